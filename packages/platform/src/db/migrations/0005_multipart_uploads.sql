ALTER TABLE "videos" ADD COLUMN "multipart_upload_id" text;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "upload_part_bytes" bigint;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "upload_expires_at" timestamp (3) with time zone;