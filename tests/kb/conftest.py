import pytest

from switchboard.kb.actions import ArticleData, check_save_draft, do_publish


@pytest.fixture
def publish(db, supervisor):
    """Write and publish an article in one step: publish(title, body, language=..., reasons=...)."""

    def publish(title, body="", **extra):
        version = check_save_draft(
            None, ArticleData(title=title, body=body, **extra), author=supervisor
        )
        return do_publish(version)

    return publish
