"""The leaf of petitions/: hashing, encryption, the broker's doorbell, text and period helpers.

Nothing here imports another petitions package but enums; everything may import this."""
