"""Signed webhooks to organisers' tools: events collected from the rows, sent by the workers."""
