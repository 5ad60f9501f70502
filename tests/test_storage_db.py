"""Engines and sessions: SQLite set up for concurrent use, and database problems as one clear line."""

import re

import pytest
from sqlalchemy import func, select, text

from config.errors import UserError
from models import Agency
from models.db import check_connection, make_engine, mask, session_factory, session_scope

UNREACHABLE_PG = "postgresql+psycopg://postgres:s3cret@127.0.0.1:1/hanchot"


def test_it_creates_the_folder_of_a_sqlite_database(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'a' / 'b' / 'hanchot.db'}")
    check_connection(engine)
    assert (tmp_path / "a" / "b" / "hanchot.db").exists()
    engine.dispose()


def test_it_turns_on_foreign_keys_wal_and_a_busy_timeout_in_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'hanchot.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    engine.dispose()


def test_it_names_an_unreachable_postgresql_with_the_password_masked():
    engine = make_engine(UNREACHABLE_PG)
    with pytest.raises(UserError) as caught:
        check_connection(engine)
    message = str(caught.value)
    assert message.startswith("cannot reach the database postgresql+psycopg://postgres:***@127.0.0.1:1/hanchot")
    assert "s3cret" not in message and "\n" not in message


@pytest.mark.parametrize(("url", "expected"), [
    ("mysql+nodriver://u:pw@h/x", "the database URL mysql+nodriver://u:***@h/x is not usable"),
    ("postgresql+psycopg://u:pw@h:port/x", "the port is not a number"),
    ("not a url", "the database URL not a url is not usable"),
])
def test_it_explains_a_bad_database_url(url, expected):
    with pytest.raises(UserError, match=re.escape(expected)) as caught:
        make_engine(url)
    assert "pw" not in str(caught.value)


def test_it_explains_a_sqlite_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(UserError, match=f"{blocker} is a file, not a folder"):
        make_engine(f"sqlite:///{blocker / 'hanchot.db'}")


def test_it_explains_a_sqlite_file_that_cannot_be_opened(tmp_path):
    (tmp_path / "hanchot.db").mkdir()  # a folder where the file should be: no permission trick needed as root
    engine = make_engine(f"sqlite:///{tmp_path / 'hanchot.db'}")
    with pytest.raises(UserError, match=r"cannot open or write the SQLite database .*hanchot\.db: unable to open"):
        check_connection(engine)


def test_it_masks_passwords_in_urls_it_cannot_parse():
    assert mask("postgresql://user:pa:ss@host/db") == "postgresql://user:***@host/db"


def test_it_commits_a_session_scope_that_ends_normally(engine):
    with session_scope(session_factory(engine)) as session:
        session.add(Agency(name="Sở Tư pháp"))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM agencies")).scalar_one() == "Sở Tư pháp"


def test_it_rolls_back_a_session_scope_that_raises(engine):
    factory = session_factory(engine)
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        session.add(Agency(name="Sở Tư pháp"))
        session.flush()
        raise RuntimeError("half-way")
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Agency)) == 0
