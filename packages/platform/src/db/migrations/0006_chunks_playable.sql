CREATE TABLE "video_chunks" (
	"video_id" text NOT NULL,
	"index" integer NOT NULL,
	"start_seconds" double precision NOT NULL,
	"duration_seconds" double precision NOT NULL,
	"first_segment" integer NOT NULL,
	"segment_count" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"encoder" text,
	"log_location" text,
	"renditions" jsonb,
	"error_code" text,
	"error_message" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "video_chunks_video_id_index_pk" PRIMARY KEY("video_id","index")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "message_id" text;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "chunk_count" integer;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "chunk_source" jsonb;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "published_chunks" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "playable_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "video_chunks" ADD CONSTRAINT "video_chunks_video_id_videos_id_fk" FOREIGN KEY ("video_id") REFERENCES "public"."videos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "video_chunks_status_idx" ON "video_chunks" USING btree ("status","updated_at");