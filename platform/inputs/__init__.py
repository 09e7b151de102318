"""Bounded input: what no request may bring in, and the ranges every date keeps.

Shared by every app (it imports none): ``middleware`` refuses unstorable input with a 400 before
any view runs; ``dates`` holds the date windows, the form fields that keep them and the database
constraints that back them up.
"""
