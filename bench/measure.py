"""The figures. Each API figure is taken side by side with its raw-pymongo equivalent, interleaved request by
request, so that a noisy machine slows both alike and the ratio still means something."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from math import asin, cos, radians, sin, sqrt
from typing import Any

from bson import ObjectId
from pymongo import MongoClient
from pymongo.database import Database

from bench import dataset
from bench.client import Client, Reply, summary_ms
from bench.servers import App, rss_kib

WARMUP = 15
# appointments/next_free_store.py's COLLECTION (the bench runs outside Django; tests/bench checks they agree)
NEXT_FREE_COLLECTION = "doctor_next_free_times"
MEMORY_READINGS = 10


@dataclass
class Context:
    app: App
    uri: str
    data: dataset.DataSet
    requests: int  # latency samples per figure
    member_tokens: list[str] = field(default_factory=list)
    doctor_cookies: dict[str, str] = field(default_factory=dict)

    @cached_property
    def db(self) -> Database:
        return MongoClient(self.uri, maxPoolSize=64).get_default_database()

    def member(self, index: int = 0) -> Client:
        return Client(self.app.port, token=self.member_tokens[index])

    def doctor(self) -> Client:
        return Client(self.app.port, cookies=dict(self.doctor_cookies))


def sign_in(ctx: Context, members: int) -> None:
    """Member JWTs (POST /api/v1/auth/token) and the dashboard doctor's portal cookie."""
    client = Client(ctx.app.port)
    for member in ctx.data.members[:members]:
        reply = client.post("/api/v1/auth/token", {"email": member["email"], "password": dataset.PASSWORD})
        assert reply.status == 200, reply.body
        ctx.member_tokens.append(reply.json()["access"])
    doctor = Client(ctx.app.port)
    reply = doctor.post("/auth/doctor/login", {"email": dataset.DASHBOARD_EMAIL, "password": dataset.PASSWORD})
    assert reply.status == 200, reply.body
    ctx.doctor_cookies = doctor.cookies


def _side_by_side(
    n: int, api: Callable[[], Reply], raw: Callable[[], Any] | None, same: Callable[[], Any] | None = None
) -> tuple[list[float], list[float], list[Reply], list[float]]:
    """`n` API requests, each followed by its raw equivalent(s): `raw`, the query as a pymongo program
    would write it, and `same`, the very commands the app sent, through pymongo."""
    api_s: list[float] = []
    raw_s: list[float] = []
    replies: list[Reply] = []
    same_s: list[float] = []
    for _ in range(WARMUP):
        for call in (api, raw, same):
            if call:
                call()
    for _ in range(n):
        reply = api()
        assert reply.status == 200, (reply.status, reply.body[:300])
        api_s.append(reply.seconds)
        replies.append(reply)
        for call, into in ((raw, raw_s), (same, same_s)):
            if call:
                started = time.perf_counter()
                call()
                into.append(time.perf_counter() - started)
    return api_s, raw_s, replies, same_s


def _row(
    key: str,
    label: str,
    api_s: list[float],
    raw_s: list[float],
    replies: list[Reply],
    same_s: Sequence[float] = (),
    **extra: Any,
) -> dict:
    row: dict[str, Any] = {"key": key, "label": label, **summary_ms(api_s)}
    if raw_s:
        raw = summary_ms(raw_s)
        row |= {
            "raw_median_ms": raw["median_ms"],
            "raw_p95_ms": raw["p95_ms"],
            "ratio": round(row["median_ms"] / raw["median_ms"], 2),
        }
    if same_s:
        same = summary_ms(same_s)
        row |= {"same_median_ms": same["median_ms"], "same_ratio": round(row["median_ms"] / same["median_ms"], 2)}
    commands = {r.db_commands for r in replies}
    row["db_commands"] = commands.pop() if len(commands) == 1 else sorted(commands, key=str)
    return row | extra


# --- 1. doctor search ----------------------------------------------------------------------------------------


def _haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    phi1, phi2 = radians(lat1), radians(lat2)
    a = sin((phi2 - phi1) / 2) ** 2 + cos(phi1) * cos(phi2) * sin(radians(lng2 - lng1) / 2) ** 2
    return 2 * 6371.0088 * asin(min(1.0, sqrt(a)))


def _nearest(clinics: list[dict], lat: float, lng: float) -> float | None:
    distances = [
        _haversine_km(lat, lng, c["location"]["latitude"], c["location"]["longitude"])
        for c in clinics or []
        if c.get("location")
    ]
    return min(distances) if distances else None


def search(ctx: Context) -> list[dict]:
    data, db = ctx.data, ctx.db
    doctors = db["doctors"]
    params = {"specialtyId": data.search_specialty, "city": data.search_city}
    flt = {"isActive": True, "specialtyId": data.search_specialty, "clinics.city": data.search_city}
    client = ctx.member()

    def raw_page() -> tuple[int, list[dict]]:
        return doctors.count_documents(flt), list(doctors.find(flt).sort("doctorId", 1).limit(20))

    facet = [
        {"$match": flt},
        {"$facet": {"rows": [{"$sort": {"doctorId": 1}}, {"$limit": 20}], "total": [{"$count": "n"}]}},
    ]

    def same_command() -> dict:  # what the app sends for the page and its count (mongo/paging.py)
        return next(doctors.aggregate(facet))

    count, page = raw_page()
    first = client.get("/api/v1/doctors", **params).json()
    assert first["count"] == count and [d["doctorId"] for d in first["results"]] == [d["doctorId"] for d in page]
    rows = [
        _row(
            "search",
            f"Doctor search specialty+city, page of 20 ({count} matches of {data.doctors:,})",
            *_side_by_side(ctx.requests, lambda: client.get("/api/v1/doctors", **params), raw_page, same_command),
        )
    ]

    lat, lng = data.search_origin

    def raw_by_distance() -> list[dict]:
        rows = doctors.find(flt, {"_id": 1, "doctorId": 1, "clinics": 1})
        keyed = sorted(
            (d is None, d or 0.0, row["doctorId"], row["_id"])
            for row in rows
            for d in [_nearest(row.get("clinics"), lat, lng)]
        )
        ids = [key[-1] for key in keyed[:20]]
        by_id = {doc["_id"]: doc for doc in doctors.find({"_id": {"$in": ids}})}
        return [by_id[i] for i in ids]

    near = {**params, "lat": lat, "lng": lng, "ordering": "distance"}
    first = client.get("/api/v1/doctors", **near).json()
    assert [d["doctorId"] for d in first["results"]] == [d["doctorId"] for d in raw_by_distance()]
    rows.append(
        _row(
            "search_distance",
            "Doctor search specialty+city by distance (lat/lng), page of 20",
            *_side_by_side(ctx.requests, lambda: client.get("/api/v1/doctors", **near), raw_by_distance),
        )
    )

    sizes = {size: client.get("/api/v1/doctors", **params, page_size=size).db_commands for size in (5, 20, 100)}
    city_only = client.get("/api/v1/doctors", city=data.search_city, page_size=100).db_commands
    rows.append(
        {
            "key": "search_round_trips",
            "label": "Doctor search round trips at page size 5 / 20 / 100",
            "db_commands": list(sizes.values()),
            "city_only_page_100": city_only,
        }
    )
    client.close()
    return rows


# --- 2. availability -----------------------------------------------------------------------------------------


def availability(ctx: Context) -> list[dict]:
    db = ctx.db
    day = (ctx.data.today + timedelta(days=7)).isoformat()
    weekday = date.fromisoformat(day).strftime("%A")
    client = ctx.member()
    path = f"/api/v1/doctors/{dataset.AVAILABILITY_DOCTOR}/availability"

    def raw() -> None:
        doctor = db["doctors"].find_one({"doctorId": dataset.AVAILABILITY_DOCTOR, "isActive": True})
        assert doctor is not None
        slots = list(db["doctor_slots"].find({"doctorId": doctor["doctorId"], "dayOfWeek": weekday, "isActive": True}))
        list(db["clinics"].find({"clinicId": {"$in": sorted({s["clinicId"] for s in slots})}}))
        list(
            db["appointments"].find(
                {"doctorId": doctor["doctorId"], "appointmentDate": day, "status": {"$ne": "CANCELLED"}},
                {"_id": 0, "timeSlot": 1},
            )
        )

    body = client.get(path, date=day).json()
    api_s, raw_s, replies, _ = _side_by_side(ctx.requests, lambda: client.get(path, date=day), raw)
    empty = client.get(f"/api/v1/doctors/{dataset.EMPTY_DOCTOR}/availability", date=day).db_commands
    row = _row(
        "availability",
        f"Availability, doctor with 14 weekly slots and {dataset.AVAILABILITY_APPOINTMENTS:,} appointments",
        api_s,
        raw_s,
        replies,
        free_times=len(body["slots"]),
        db_commands_doctor_without_appointments=empty,
    )
    client.close()
    return [row]


# --- 2b. the member app's API (issue 17): a month, the next free time in search, a radius -------------------------


def member_api(ctx: Context) -> list[dict]:
    """A month of availability against one day, a search page with nextAvailable against the same page without
    it, and a distance search inside a radius: each pair measured side by side, request by request."""
    data = ctx.data
    client = ctx.member()
    path = f"/api/v1/doctors/{dataset.AVAILABILITY_DOCTOR}/availability"
    first = data.today + timedelta(days=1)
    month = {"from": first.isoformat(), "to": (first + timedelta(days=30)).isoformat()}
    one_day = {"date": first.isoformat()}
    body = client.get(path, **month).json()
    assert len(body["days"]) == 31, body
    day_s: list[float] = []
    api_s, _, replies, _ = _side_by_side(
        ctx.requests, lambda: client.get(path, **month), lambda: day_s.append(client.get(path, **one_day).seconds)
    )
    day_ms = summary_ms(day_s[-ctx.requests :])["median_ms"]
    rows = [
        _row(
            "availability_month",
            f"Availability for 31 days, doctor with {dataset.AVAILABILITY_APPOINTMENTS:,} appointments",
            api_s,
            [],
            replies,
            one_day_median_ms=day_ms,
            ratio_to_one_day=round(summary_ms(api_s)["median_ms"] / day_ms, 2),
            one_day_db_commands=client.get(path, **one_day).db_commands,
            free_times=sum(len(d["slots"]) for d in body["days"]),
        )
    ]

    search = {"specialtyId": data.search_specialty, "city": data.search_city, "page_size": 20}
    plain = {**search, "withNextAvailable": "false"}
    page = client.get("/api/v1/doctors", **search).json()["results"]
    plain_s: list[float] = []
    api_s, _, replies, _ = _side_by_side(
        ctx.requests,
        lambda: client.get("/api/v1/doctors", **search),
        lambda: plain_s.append(client.get("/api/v1/doctors", **plain).seconds),
    )
    plain_ms = summary_ms(plain_s[-ctx.requests :])["median_ms"]
    sizes = [_stored_page_commands(client, {**search, "page_size": n}) for n in (5, 20, 100)]
    cold_s, cold_sizes = _search_with_store_emptied(ctx, client, search)
    rows.append(
        _row(
            "search_next_available",
            "Doctor search specialty+city with nextAvailable, page of 20",
            api_s,
            [],
            replies,
            plain_median_ms=plain_ms,
            ratio_to_plain=round(summary_ms(api_s)["median_ms"] / plain_ms, 2),
            plain_db_commands=client.get("/api/v1/doctors", **plain).db_commands,
            db_commands_page_5_20_100=sizes,
            with_next_available=sum(d["nextAvailable"] is not None for d in page),
            cold_median_ms=summary_ms(cold_s)["median_ms"],
            cold_ratio_to_plain=round(summary_ms(cold_s)["median_ms"] / plain_ms, 2),
            cold_db_commands_page_5_20_100=cold_sizes,
        )
    )

    lat, lng = data.search_origin
    near = {"lat": lat, "lng": lng, "radiusKm": 10, "ordering": "distance", "page_size": 20}
    found = client.get("/api/v1/doctors", **near).json()
    rows.append(
        _row(
            "search_radius",
            "Doctor search within 10 km by distance (lat/lng, all specialties), page of 20",
            *_side_by_side(ctx.requests, lambda: client.get("/api/v1/doctors", **near), None),
            matches=found["count"],
        )
    )
    client.close()
    return rows


def _stored_page_commands(client: Client, params: dict) -> Any:
    """Round trips of a search page whose next free times are stored: the first request stores them."""
    client.get("/api/v1/doctors", **params)
    return client.get("/api/v1/doctors", **params).db_commands


def _search_with_store_emptied(ctx: Context, client: Client, search: dict) -> tuple[list[float], list[Any]]:
    """The same search with no stored next free time (appointments/next_free_store.py): each request works the
    page out and stores it, as the first search after the page's doctors changed does."""
    store = ctx.db[NEXT_FREE_COLLECTION]
    seconds = []
    for _ in range(ctx.requests):
        store.delete_many({})
        seconds.append(client.get("/api/v1/doctors", **search).seconds)
    sizes = []
    for n in (5, 20, 100):
        store.delete_many({})
        sizes.append(client.get("/api/v1/doctors", **{**search, "page_size": n}).db_commands)
    return seconds, sizes


# --- 3. booking ----------------------------------------------------------------------------------------------


def _run_together(workers: list[Callable[[], None]]) -> float:
    """Start every worker at once (a barrier); the wall time until the last one finishes."""
    barrier = threading.Barrier(len(workers) + 1)
    errors: list[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        barrier.wait()
        try:
            work()
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def _booking(day: date, minutes: int) -> dict:
    return {
        "doctorId": dataset.BOOKING_DOCTOR,
        "appointmentType": "IN_CLINIC",
        "appointmentDate": day.isoformat(),
        "timeSlot": dataset._twelve_hour(minutes),
        "clinicId": dataset.BENCH_CLINIC,
    }


def booking(
    ctx: Context, *, clients: int = 8, per_client: int = 25, contenders: int = 16, rounds: int = 5
) -> list[dict]:
    times = [(ctx.data.today + timedelta(days=d), m) for d in range(1, 20) for m in range(8 * 60, 20 * 60, 15)]
    warm = ctx.member(0)
    commands = set()
    for day, minutes in times[:3]:  # warm both workers' code paths
        reply = warm.post("/api/v1/appointments", _booking(day, minutes))
        assert reply.status == 201, reply.body
        commands.add(reply.db_commands)
    statuses, api_rate = _booking_api_rate(ctx, times[3:], clients=clients, per_client=per_client)
    raw_rate = _raw_insert_rate(ctx, clients=clients, per_client=per_client)
    return [
        {
            "key": "booking",
            "label": f"Booking, {clients} concurrent clients on distinct times",
            "bookings_per_s": round(api_rate, 1),
            "raw_inserts_per_s": round(raw_rate, 1),
            "ratio": round(raw_rate / api_rate, 2),
            "statuses": dict(statuses),
            "bookings": clients * per_client,
            "db_commands": commands.pop() if len(commands) == 1 else sorted(commands, key=str),
        },
        _contended_booking(ctx, contenders=contenders, rounds=rounds),
    ]


def _booking_api_rate(
    ctx: Context, times: list[tuple[date, int]], *, clients: int, per_client: int
) -> tuple[Counter[int], float]:
    """`clients` members book distinct times at once: the statuses and the bookings (201) per second."""
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def booker(index: int) -> Callable[[], None]:
        mine = times[index::clients][:per_client]
        client = ctx.member(index)

        def work() -> None:
            for day, minutes in mine:
                status = client.post("/api/v1/appointments", _booking(day, minutes)).status
                with lock:
                    statuses[status] += 1
            client.close()

        return work

    wall = _run_together([booker(i) for i in range(clients)])
    return statuses, statuses[201] / wall


def _raw_insert_rate(ctx: Context, *, clients: int, per_client: int) -> float:
    """The same number of appointment documents inserted straight with pymongo, per second (then removed)."""
    db = ctx.db
    # Without its place number: copies at the same time would collide on the place index.
    template = db["appointments"].find_one({"doctorId": dataset.BOOKING_DOCTOR}, {"_id": 0, "placeNumber": 0})
    assert template is not None, "the bench data set has appointments of the booking doctor"
    inserted: list[ObjectId] = []
    lock = threading.Lock()

    def inserter(index: int) -> Callable[[], None]:
        collection = db["appointments"]

        def work() -> None:
            for n in range(per_client):
                doc = {**template, "_id": ObjectId(), "appointmentId": f"APT-RAW-{index}-{n}-{ObjectId()}"}
                collection.insert_one(doc)
                with lock:
                    inserted.append(doc["_id"])

        return work

    for _ in range(3):  # the same warm-up the API had
        doc = {**template, "_id": ObjectId(), "appointmentId": f"APT-RAW-W-{ObjectId()}"}
        db["appointments"].insert_one(doc)
        inserted.append(doc["_id"])
    raw_wall = _run_together([inserter(i) for i in range(clients)])
    db["appointments"].delete_many({"_id": {"$in": inserted}})
    return clients * per_client / raw_wall


def _contended_booking(ctx: Context, *, contenders: int, rounds: int) -> dict:
    """`contenders` members race for one time of capacity 1, `rounds` times: nobody may overbook."""
    contended: Counter[int] = Counter()
    lock = threading.Lock()
    day = ctx.data.today + timedelta(days=40)
    for minutes in range(9 * 60, 9 * 60 + 15 * rounds, 15):

        def contender(index: int, minutes: int = minutes) -> Callable[[], None]:
            client = ctx.member(index)

            def work() -> None:
                status = client.post("/api/v1/appointments", _booking(day, minutes)).status
                with lock:
                    contended[status] += 1
                client.close()

            return work

        _run_together([contender(i) for i in range(contenders)])
    held = ctx.db["appointments"].count_documents(
        {"doctorId": dataset.BOOKING_DOCTOR, "appointmentDate": day.isoformat(), "status": {"$ne": "CANCELLED"}}
    )
    return {
        "key": "booking_contended",
        "label": f"Booking, {contenders} clients on one time (maxPatients 1), {rounds} rounds",
        "statuses": dict(contended),
        "appointments_held": held,
        "overbooked": held > rounds,
    }


# --- 4. portal dashboard ---------------------------------------------------------------------------------------


def dashboard(ctx: Context) -> list[dict]:
    client = ctx.doctor()
    rows = []
    probe = client.get("/portal/")
    if probe.status == 200:
        api_s, _, replies, _ = _side_by_side(ctx.requests, lambda: client.get("/portal/"), None)
        rows.append(
            _row(
                "dashboard",
                f"Portal dashboard /portal/, {dataset.DASHBOARD_TODAY} appointments today",
                api_s,
                [],
                replies,
                bytes=len(probe.body),
            )
        )
    else:
        rows.append({"key": "dashboard", "label": "Portal dashboard /portal/", "missing": f"HTTP {probe.status}"})
    today = ctx.data.today.isoformat()
    path = "/api/v1/doctor/appointments"
    count = client.get(path, date=today, page_size=100).json()["count"]
    api_s, _, replies, _ = _side_by_side(ctx.requests, lambda: client.get(path, date=today, page_size=100), None)
    rows.append(_row("doctor_today", f"Doctor API, today's appointments ({count}) in one page", api_s, [], replies))
    client.close()
    return rows


# --- 5. memory -------------------------------------------------------------------------------------------------


def mixed_requests(ctx: Context) -> list[tuple[str, str, dict]]:
    """A cycle of the read requests members and doctors make most."""
    data = ctx.data
    lat, lng = data.search_origin
    cities = ["Mumbai", "Pune", "Delhi (NCR)", "Bengaluru", "Chennai", "Kochi"]
    specialties = ["SPEC001", "SPEC002", "SPEC003", "SPEC005", "SPEC010"]
    days = [(data.today + timedelta(days=d)).isoformat() for d in range(1, 15)]
    member, doctor = "member", "doctor"
    cycle: list[tuple[str, str, dict]] = []
    for n, (city, specialty) in enumerate(itertools.product(cities, specialties)):
        cycle += [
            (member, "/api/v1/doctors", {"specialtyId": specialty, "city": city, "page": 1 + n % 3}),
            (member, "/api/v1/doctors", {"city": city, "lat": lat, "lng": lng, "ordering": "distance"}),
            (member, f"/api/v1/doctors/{data.active_doctor_ids[n % len(data.active_doctor_ids)]}", {}),
            (member, f"/api/v1/doctors/{dataset.AVAILABILITY_DOCTOR}/availability", {"date": days[n % len(days)]}),
            (member, "/api/v1/specialties", {}),
            (member, "/api/v1/clinics", {"city": city}),
            (member, "/api/v1/appointments", {}),
            (doctor, "/portal/", {}),
            (doctor, "/api/v1/doctor/appointments", {"date": data.today.isoformat()}),
        ]
    return cycle


def memory(ctx: Context, app: App, *, total: int = 10_000, warmup: int = 500, threads: int = 2) -> list[dict]:
    """RSS of the one worker that served every request: at boot, after a warm-up, after `total` more."""
    (pid,) = app.worker_pids()
    boot = rss_kib(pid)
    cycle = mixed_requests(ctx)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def drive(count: int, offset: int) -> Callable[[], None]:
        clients = {
            "member": Client(app.port, token=ctx.member_tokens[0]),
            "doctor": Client(app.port, cookies=dict(ctx.doctor_cookies)),
        }

        def work() -> None:
            for n in range(count):
                who, path, params = cycle[(offset + n) % len(cycle)]
                status = clients[who].get(path, **params).status
                with lock:
                    statuses[status] += 1
            for client in clients.values():
                client.close()

        return work

    _run_together([drive(warmup // threads, i * 7) for i in range(threads)])
    before = rss_kib(pid)
    statuses.clear()
    readings, wall = [], 0.0  # RSS after each tenth of the run: a leak shows as a steady climb
    chunk = total // MEMORY_READINGS
    for n in range(MEMORY_READINGS):
        wall += _run_together([drive(chunk // threads, n * chunk + i * 7) for i in range(threads)])
        readings.append(round(rss_kib(pid) / 1024, 1))
    after = rss_kib(pid)
    assert app.worker_pids() == [pid], "the worker was replaced during the run"
    return [
        {
            "key": "memory",
            "label": f"Worker RSS over {total:,} mixed requests (1 worker)",
            "requests": total,
            "rss_boot_mib": round(boot / 1024, 1),
            "rss_before_mib": round(before / 1024, 1),
            "rss_after_mib": round(after / 1024, 1),
            "growth_pct": round((after - before) / before * 100, 1),
            "growth_from_boot_pct": round((after - boot) / boot * 100, 1),
            "statuses": dict(statuses),
            "requests_per_s": round(MEMORY_READINGS * threads * (chunk // threads) / wall, 1),
            "rss_readings_mib": readings,
        }
    ]
