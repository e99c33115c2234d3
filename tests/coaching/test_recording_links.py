"""A recording link on the QA pages is a link only when it is http(s), and always escaped."""

import pytest

from coaching import services
from tests import factories as f
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def pages(client, manager, rep, team, url):
    """The sample page and the scoring page of a call stored with this recording link."""
    sample = f.sample(manager, CallFactory(rep=rep, recording_url=url), f.scorecard(manager, team))
    assignment = services.assign_reviewer(actor=manager, sample_id=sample.pk, reviewer=manager)
    client.force_login(manager)
    return [client.get(f"/coaching/samples/{sample.pk}/").content.decode(),
            client.get(f"/coaching/review/{assignment.pk}/").content.decode()]


@pytest.mark.parametrize("url", ["javascript:alert(document.cookie)", "JavaScript:alert(1)",
                                 " javascript:alert(1)", "data:text/html,<script>alert(1)</script>"])
def test_a_stored_script_link_is_not_rendered(client, manager, rep, team, url):
    for html in pages(client, manager, rep, team, url):
        assert "alert(" not in html


def test_an_http_link_is_rendered_escaped(client, manager, rep, team):
    url = 'https://rec.example.com/1.mp3?a=1&b="><script>alert(1)</script>'
    for html in pages(client, manager, rep, team, url):
        assert 'href="https://rec.example.com/1.mp3?a=1&amp;b=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
        assert "<script>alert(1)" not in html
