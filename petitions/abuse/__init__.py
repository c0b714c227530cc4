"""Layered, silent abuse defences for the signing form: the screen (screen.py), block lists,
the captcha, the rate store, the form guard, and the moderation of held signatures."""
