"""The leaf of petitions/: hashing, encryption, private links, the broker's doorbell, text and period helpers.

Nothing here imports another petitions package; everything may import this."""
