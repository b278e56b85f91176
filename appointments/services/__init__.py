"""Writes on appointments, one module per sub-domain: `capacity` (no overbooking), `booking`, `workflow`."""
