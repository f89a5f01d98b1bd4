ALTER TABLE "videos" ADD COLUMN "mp4_download" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "assets" jsonb;--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "captions" jsonb DEFAULT '[]'::jsonb NOT NULL;