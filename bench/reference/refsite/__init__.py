"""Bare Django reference app: the yardstick the Outcry figures are divided by.

It does the least a Django site can do for the same requests (render a
ModelForm with CSRF, save one row, read one row as JSON), so a ratio of
Outcry to it says how much the app costs over Django itself on this machine.
"""
