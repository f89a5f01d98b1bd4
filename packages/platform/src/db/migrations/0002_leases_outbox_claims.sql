CREATE TABLE "work_leases" (
	"video_id" text NOT NULL,
	"unit" text NOT NULL,
	"token" uuid NOT NULL,
	"owner" text NOT NULL,
	"acquired_at" timestamp with time zone DEFAULT now() NOT NULL,
	"renewed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "work_leases_video_id_unit_pk" PRIMARY KEY("video_id","unit")
);
--> statement-breakpoint
DROP INDEX "outbox_pending_idx";--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "work_leases" ADD CONSTRAINT "work_leases_video_id_videos_id_fk" FOREIGN KEY ("video_id") REFERENCES "public"."videos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "work_leases_expires_idx" ON "work_leases" USING btree ("expires_at");--> statement-breakpoint
-- Rows already published would be published again once the column that marked them is gone.
DELETE FROM "outbox" WHERE "published_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "published_at";