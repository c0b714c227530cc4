"""A letter's life: queued, claimed, sent (or retried, failed, cancelled); pacing, digests and the sweeper."""
