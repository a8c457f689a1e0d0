"""Two-factor sign-in for clinicians and admins (and patients who opt in): TOTP with recovery codes (django-otp)."""
