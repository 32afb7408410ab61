from verbund.bench.screening_spellings import SPELLINGS, OtherSpellings

LISTS = OtherSpellings(
    [
        ("Mohammad JABER", False),
        ("Huseyin SAHIN", False),
        ("Mohammad Sadegh Heidari MOUSA", False),
        ("Ali HAMOUD", False),
        ("Jamil HASSAN", False),
        ("Qasim SALEH", False),
        ("BARAKAT IMPORT EXPORT LTDA", True),
        ("Alexander PETROV", False),
        ("Mohammad KARAMI", False),
        ("Ayman JABER", False),
        ("Othman Bin Ahmed Bin Othman", False),
        ("GENERAL NICKEL SA", True),
    ]
)


def test_a_list_name_in_another_romanisation_is_on_the_list() -> None:
    assert LISTS.holds("Mohammed Jaber", False) == "exact"
    assert LISTS.holds("Jaber Muhammad", False) == "exact"
    assert LISTS.holds("Aleksandr Petrow", False) == "exact"


def test_diacritics_and_the_arabic_article_make_no_other_name() -> None:
    assert LISTS.holds("Hüseyin Şahin", False) == "exact"
    assert LISTS.holds("Mohammed Al-Jaber", False) == "exact"


def test_an_organisation_on_a_list_under_another_legal_form_is_on_the_list() -> None:
    assert LISTS.holds("Barakat Import Export UG (haftungsbeschränkt)", True) == "exact"
    assert LISTS.holds("Barakat Import", True) == ""
    assert LISTS.holds("General Nickel GmbH", True) == "exact"
    assert LISTS.holds("Nickel GmbH", True) == ""


def test_middle_names_left_out_on_either_side_keep_a_person_on_the_list() -> None:
    assert LISTS.holds("Muhammad Mousa", False) == "part"
    assert LISTS.holds("Ali Majid Hamoud", False) == "part"
    assert LISTS.holds("Ali Mousa", False) == ""
    assert LISTS.holds("Majid Hamoud", False) == ""
    # Both names begin and end with the shorter's outer words: one word twice is no name.
    assert LISTS.holds("Ahmad Othman", False) == ""


def test_names_one_letter_apart_are_other_names() -> None:
    assert LISTS.holds("Jamal Hassan", False) == ""
    assert LISTS.holds("Karim Saleh", False) == ""
    assert LISTS.holds("Muhammad Karimi", False) == ""
    assert LISTS.holds("Iman Jaber", False) == ""


def test_every_spelling_belongs_to_one_name() -> None:
    spellings = [s for group in SPELLINGS for s in group]
    assert len(spellings) == len(set(spellings))
