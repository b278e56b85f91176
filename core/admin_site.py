from django.contrib import admin


class OpdAdminSite(admin.AdminSite):
    site_header = "OPD Wallet operations"
    site_title = "OPD Wallet admin"
    index_title = "Doctors, clinics, appointments and consultations"
