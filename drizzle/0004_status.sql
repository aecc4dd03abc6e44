CREATE TABLE "meeting_tallies" (
	"meeting_id" uuid PRIMARY KEY NOT NULL,
	"expected" integer DEFAULT 0 NOT NULL,
	"present" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "meeting_tallies" ADD CONSTRAINT "meeting_tallies_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;