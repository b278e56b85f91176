"""python -m bench.profile OUT_DIR (with the bench's environment): pyinstrument profiles of the hot endpoints.

Runs each request through Django in this one process (no HTTP server), repeated, against the bench's
database, and writes one text profile per endpoint (profile-<name>.txt) to OUT_DIR.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path

import django

REPEAT = int(os.environ.get("BENCH_PROFILE_REPEAT", "40"))


def main(out_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opd_wallet.settings")
    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    from bench import dataset
    from users.models import User
    from users.tokens import member_tokens_issue

    today = date.fromisoformat(os.environ.get("BENCH_TODAY") or dataset.local_today().isoformat())
    member = User.objects.filter(role="MEMBER").order_by("member_id").first()
    assert member is not None, "the bench dataset has members"
    access = member_tokens_issue(user=member).access
    member_client = Client(HTTP_AUTHORIZATION=f"Bearer {access}", HTTP_HOST="127.0.0.1")
    doctor_client = Client(HTTP_HOST="127.0.0.1")
    credentials = {"email": dataset.DASHBOARD_EMAIL, "password": dataset.PASSWORD}
    signed_in = doctor_client.post("/auth/doctor/login", credentials, content_type="application/json")
    assert signed_in.status_code == 200, signed_in.content
    lat, lng = 19.0760, 72.8777
    endpoints = {
        "search": (member_client, "/api/v1/doctors", {"specialtyId": "SPEC001", "city": "Mumbai"}),
        "search_distance": (
            member_client,
            "/api/v1/doctors",
            {"specialtyId": "SPEC001", "city": "Mumbai", "lat": lat, "lng": lng, "ordering": "distance"},
        ),
        "availability": (
            member_client,
            f"/api/v1/doctors/{dataset.AVAILABILITY_DOCTOR}/availability",
            {"date": (today + timedelta(days=7)).isoformat()},
        ),
        "dashboard": (doctor_client, "/portal/", {}),
        "doctor_today": (doctor_client, "/api/v1/doctor/appointments", {"date": today.isoformat(), "page_size": 100}),
    }
    only = set(sys.argv[2:])
    for name, (client, path, params) in endpoints.items():
        if only and name not in only:
            continue
        first = client.get(path, params)
        if first.status_code != 200:
            print(f"profile {name}: HTTP {first.status_code}, skipped", file=sys.stderr)
            continue
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(REPEAT):
            client.get(path, params)
        profiler.stop()
        text = profiler.output_text(unicode=True, color=False, show_all=False)
        (out_dir / f"profile-{name}.txt").write_text(f"# {REPEAT} x GET {path} {params}\n{text}")
        print(f"profile {name}: {profiler.last_session.duration / REPEAT * 1000:.1f} ms per request", file=sys.stderr)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
