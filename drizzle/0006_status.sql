CREATE TABLE "meeting_tallies" (
	"meeting_id" uuid PRIMARY KEY NOT NULL,
	"expected" integer DEFAULT 0 NOT NULL,
	"present" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "study_firsts" (
	"branch_id" uuid NOT NULL,
	"study_item_id" uuid NOT NULL,
	"first_on" date NOT NULL,
	CONSTRAINT "study_firsts_branch_id_study_item_id_pk" PRIMARY KEY("branch_id","study_item_id")
);
--> statement-breakpoint
ALTER TABLE "meeting_tallies" ADD CONSTRAINT "meeting_tallies_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_firsts" ADD CONSTRAINT "study_firsts_branch_id_branches_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."branches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "study_firsts" ADD CONSTRAINT "study_firsts_study_item_id_study_items_id_fk" FOREIGN KEY ("study_item_id") REFERENCES "public"."study_items"("id") ON DELETE cascade ON UPDATE no action;