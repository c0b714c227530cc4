"""A signature's way in: the form, the service that stores it with its letters, confirmation and receipts."""
