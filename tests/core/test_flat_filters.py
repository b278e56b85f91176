"""The backend's flat filters (mongo/compiler.py): same documents, a shape planners can index."""

from mongo.compiler import flatten_and


def test_an_and_of_distinct_fields_becomes_one_filter_document() -> None:
    assert flatten_and({"$and": [{"city": "Pune"}, {"isActive": True}]}) == {"city": "Pune", "isActive": True}


def test_nested_ands_are_merged_too() -> None:
    mql = {"$and": [{"a": 1}, {"$and": [{"b": {"$gte": 2}}, {"c": 3}]}]}
    assert flatten_and(mql) == {"a": 1, "b": {"$gte": 2}, "c": 3}


def test_clauses_on_the_same_field_keep_their_and() -> None:
    mql = {"$and": [{"day": {"$gte": "2025-01-01"}}, {"day": {"$lte": "2025-01-31"}}]}
    assert flatten_and(mql) is mql


def test_an_or_is_kept_whole_beside_other_fields() -> None:
    mql = {"$and": [{"isActive": True}, {"$or": [{"name": "x"}, {"specialty": "x"}]}]}
    assert flatten_and(mql) == {"isActive": True, "$or": [{"name": "x"}, {"specialty": "x"}]}


def test_two_ors_keep_the_and() -> None:
    mql = {"$and": [{"$or": [{"a": 1}, {"b": 1}]}, {"$or": [{"c": 1}, {"d": 1}]}]}
    assert flatten_and(mql) is mql


def test_filters_without_a_top_level_and_are_left_alone() -> None:
    for mql in ({}, {"a": 1}, {"$or": [{"a": 1}, {"b": 2}]}, {"$expr": {"$eq": ["$a", 1]}}):
        assert flatten_and(mql) is mql
