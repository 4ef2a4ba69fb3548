"""Webhooks: subscribers registered by admins (registry) and the dispatcher that delivers
change events to them, signed, at least once, in order per golden record."""
