"""Demo address book: the buildings of 阳光社区 and 和睦社区 (addresses.csv beside this file)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.person import Person
from services.people.addresses import import_address_book, locate_home_from_address

CSV = Path(__file__).with_name("addresses.csv")


def load(session: Session) -> dict[str, int]:
    """Import the demo address book and locate the demo homes it names (孙桂兰's 7号楼 it does not)."""
    report = import_address_book(session, text=CSV.read_text(encoding="utf-8"))
    stmt = select(Person).where(Person.address.is_not(None), Person.home_location.is_(None))
    for person in session.scalars(stmt):
        locate_home_from_address(session, person=person)
    return {"address_buildings": report.created + report.updated + report.unchanged}
