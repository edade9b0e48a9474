"""The policy knowledge base: defaults until saved, keyword look-up, staff-only audited edits, the person's own window."""

import pytest
from sqlalchemy import select, text

from core.db import session_scope
from core.errors import NotAllowed, NotFound, ValidationFailed
from models.audit import AuditEntry
from models.policies import PolicyEntry
from services.assistance import policies
from tests.factories import make_community, make_person

pytestmark = pytest.mark.integration


def test_defaults_answer_until_saved_and_the_longest_keyword_wins(db):
    with session_scope() as s:
        codes = [e.code for e in policies.list_policy_entries(s)]
        assert codes[:3] == ["dibao", "tekun", "temporary_aid"] and "return_poverty" in codes
        assert policies.find_policy_entry(s, text="低保边缘户能办什么", topic="dibao").code == "dibao_edge"
        assert policies.find_policy_entry(s, text="低保怎么办", topic="dibao").code == "dibao"
        assert policies.find_policy_entry(s, text="这个能报吗", topic="medical_aid").code == "medical_aid"
        assert policies.find_policy_entry(s, text="高龄津贴", topic="other").code == "other"


def test_staff_save_an_entry_encrypted_and_audited(db):
    with session_scope() as s:
        staff = make_person(s, roles=("staff",), community=make_community(s))
        saved = policies.update_policy_entry(s, actor=staff, code="medical_aid", who="困难群众看病再救助七成。",
                                             keywords="医疗救助\n 大病救助 \n\n")
        assert policies.keywords_of(saved) == ["医疗救助", "大病救助"]
        staff_id, entry_id = staff.id, saved.id
    with session_scope() as s:
        [entry] = s.scalars(select(PolicyEntry).where(PolicyEntry.code == "medical_aid"))
        assert entry.who == "困难群众看病再救助七成。" and entry.updated_by_id == staff_id
        raw = s.execute(text("SELECT who FROM policy_entries WHERE id = :i"), {"i": entry_id}).scalar()
        assert "七成" not in raw  # sealed at rest
        [audit] = s.scalars(select(AuditEntry).where(AuditEntry.subject_type == "policy_entry"))
        assert (audit.action, audit.actor_id, audit.fields) == ("update", staff_id, ["keywords", "who"])
        assert len([e for e in policies.list_policy_entries(s) if e.code == "medical_aid"]) == 1


def test_residents_and_bad_values_are_refused(db):
    with session_scope() as s:
        resident = make_person(s, community=make_community(s))
        staff = make_person(s, roles=("staff",), community=make_community(s))
        with pytest.raises(NotAllowed):
            policies.update_policy_entry(s, actor=resident, code="dibao", who="随便写")
        with pytest.raises(ValidationFailed) as info:
            policies.update_policy_entry(s, actor=staff, code="dibao", who=" ", action="delete",
                                         help_category="cash", secret="x")
        assert set(info.value.details["fields"]) == {"who", "action", "help_category", "secret"}
        with pytest.raises(NotFound):
            policies.update_policy_entry(s, actor=staff, code="no_such_policy", who="x")


def test_the_window_names_the_persons_own_street_and_community(db):
    with session_scope() as s:
        here = make_community(s)
        person = make_person(s, community=here)
        entry = policies.find_policy_entry(s, text="临时救助", topic="temporary_aid")
        place = policies.place_of(s, person=person)
        said = policies.window_for(entry, place)
        assert here.name in said and here.street.name in said and "{" not in said
        stranger = make_person(s)
        assert "12345" in policies.place_of(s, person=stranger).phone


def test_the_persons_place_is_read_in_one_statement(db):
    from sqlalchemy import event

    from core.db import get_engine
    from models.person import Person

    with session_scope() as s:
        here = make_community(s)
        person_id, street = make_person(s, community=here).id, here.street.name
    sent: list[str] = []

    def note(*_args: object) -> None:
        sent.append("statement")

    with session_scope() as s:
        person = s.get(Person, person_id)
        assert person is not None
        event.listen(get_engine(), "before_cursor_execute", note)
        try:
            place = policies.place_of(s, person=person)
            assert (place.street, place.community) == (street, here.name)
        finally:
            event.remove(get_engine(), "before_cursor_execute", note)
    assert len(sent) == 1  # the community with its street, not the street again
