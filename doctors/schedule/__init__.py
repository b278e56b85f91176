"""A doctor's weekly slots (`doctor_slots`): rules, reads, the doctor API and the portal's schedule pages."""
