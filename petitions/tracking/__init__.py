"""What email providers report about letters after they left: delivered, bounced, complained."""
