"""python -m bench.plans (with the bench's environment): the explain plan of each seed query shape, as JSON."""

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opd_wallet.settings")
    django.setup()
    from devtools.query_plans import query_plan, seed_query_shapes

    rows = []
    for shape in seed_query_shapes():
        plan = query_plan(shape.queryset())
        rows.append(
            {
                "label": shape.label,
                "collection": plan.collection,
                "stage": plan.stage,
                "index": plan.index,
                "expected_index": shape.index,
                "filter": json.dumps(plan.filter, default=str),
            }
        )
    json.dump(rows, sys.stdout)


if __name__ == "__main__":
    main()
