"""The sync API's record reader."""

from verbund.interfaces.parsers import records_reader


def test_the_record_reader_notes_objects_and_lists_before_it_yields_their_record() -> None:
    noted: dict[int, dict[str, str]] = {}
    rows = records_reader([{"a": "x", "b": 1.0}, {"a": {"k": 1}, "b": [1, "ü"]}, "nope"], noted)
    assert next(rows) == (1, {"a": "x", "b": "1"})
    assert noted == {}
    assert next(rows) == (2, {"a": '{"k": 1}', "b": '[1, "ü"]'})
    assert noted == {2: {"a": '{"k": 1}', "b": '[1, "ü"]'}}
    assert next(rows) == (3, {})
