"""Writes on appointments, one module per sub-domain: `places` (no overbooking), `booking`, `workflow`."""
