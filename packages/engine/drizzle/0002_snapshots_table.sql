CREATE TABLE `snapshots` (
	`run_id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`snapshot` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Every run's checkpoint moves out of its row, with the seq it is the fold of.
INSERT INTO `snapshots` (`run_id`, `seq`, `snapshot`) SELECT `id`, coalesce(`snapshot_seq`, `last_seq`), `snapshot` FROM `runs`;--> statement-breakpoint
ALTER TABLE `runs` DROP COLUMN `snapshot`;--> statement-breakpoint
ALTER TABLE `runs` DROP COLUMN `snapshot_seq`;