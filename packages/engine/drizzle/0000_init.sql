CREATE TABLE `definitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`version` integer NOT NULL,
	`json` text NOT NULL,
	`created_at` text NOT NULL,
	`archived` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `definitions_name_version` ON `definitions` (`name`,`version`);--> statement-breakpoint
CREATE TABLE `events` (
	`run_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`at` text NOT NULL,
	`event` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`run_id`, `seq`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`workflow` text NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`last_seq` integer DEFAULT 0 NOT NULL,
	`last_hash` text DEFAULT '' NOT NULL,
	`snapshot` text NOT NULL,
	`wake_at` text,
	`lease_owner` text,
	`lease_until` text
);
--> statement-breakpoint
CREATE INDEX `runs_created` ON `runs` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_status_created` ON `runs` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_workflow_created` ON `runs` (`workflow`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_wake_at` ON `runs` (`wake_at`) WHERE "runs"."wake_at" IS NOT NULL;