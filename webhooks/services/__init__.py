"""Webhook services: record deliveries, process them, deauthorize, delete user data."""
