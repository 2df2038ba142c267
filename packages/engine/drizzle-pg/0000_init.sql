CREATE TABLE "definitions" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"version" integer NOT NULL,
	"json" text COLLATE "C" NOT NULL,
	"created_at" text COLLATE "C" NOT NULL,
	"archived" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"run_id" text COLLATE "C" NOT NULL,
	"seq" integer NOT NULL,
	"type" text COLLATE "C" NOT NULL,
	"at" text COLLATE "C" NOT NULL,
	"event" text COLLATE "C" NOT NULL,
	"prev_hash" text COLLATE "C" NOT NULL,
	"hash" text COLLATE "C" NOT NULL,
	CONSTRAINT "events_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"workflow" text COLLATE "C" NOT NULL,
	"version" integer NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"created_at" text COLLATE "C" NOT NULL,
	"updated_at" text COLLATE "C" NOT NULL,
	"last_seq" integer DEFAULT 0 NOT NULL,
	"last_hash" text COLLATE "C" DEFAULT '' NOT NULL,
	"snapshot" text COLLATE "C" NOT NULL,
	"wake_at" text COLLATE "C",
	"lease_owner" text COLLATE "C",
	"lease_until" text COLLATE "C"
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "definitions_name_version" ON "definitions" USING btree ("name","version");--> statement-breakpoint
CREATE INDEX "runs_created" ON "runs" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "runs_status_created" ON "runs" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "runs_workflow_created" ON "runs" USING btree ("workflow","created_at","id");--> statement-breakpoint
CREATE INDEX "runs_wake_at" ON "runs" USING btree ("wake_at") WHERE "runs"."wake_at" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "runs_lease_owner" ON "runs" USING btree ("lease_owner") WHERE "runs"."lease_owner" IS NOT NULL;