"""The look done right, as far as the server's HTML shows it (the browser journeys check
the rest at desktop and phone width): DKFDS markup for every checkbox and radio, the
header's menu per role, breadcrumbs with separators, plain Danish instead of allauth's
awkward strings and of developer words."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template import Context, Template

from almen.register.demo import ORGANISATIONS

pytestmark = pytest.mark.django_db

ORG_A = ORGANISATIONS[0][0]


def _dkfds_checkboxes(html: str) -> list[str]:
    """Every checkbox input in ``html`` that is not in DKFDS's markup (class
    form-checkbox, inside a form-group-checkbox, its label right after it)."""
    bad = []
    for match in re.finditer(r"<input[^>]*type=\"(checkbox|radio)\"[^>]*>", html):
        kind = match.group(1)
        tag = match.group(0)
        before = html[max(0, match.start() - 200) : match.start()]
        after = html[match.end() : match.end() + 20]
        if (
            f"form-{kind}" not in tag
            or f'class="form-group-{kind}"' not in before
            or not after.lstrip().startswith("<label")
        ):
            bad.append(tag)
    return bad


def test_every_checkbox_and_radio_widget_renders_dkfds_markup() -> None:
    class Everything(forms.Form):
        many = forms.MultipleChoiceField(
            choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )
        one = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
        yes = forms.BooleanField(label="Ja tak")

    html = Template('{% include "_fields.html" %}').render(Context({"form": Everything()}))
    assert html.count('class="form-checkbox"') == 3
    assert html.count('class="form-radio"') == 2
    assert html.count("<fieldset") == 2 and "<legend" in html
    assert _dkfds_checkboxes(html) == []


def test_the_goal_form_and_the_import_page_use_dkfds_checkboxes(client_for) -> None:
    staff = client_for("org_staff")
    goal_form = staff.get(f"/maal/ny/{ORG_A}/").content.decode()
    assert goal_form.count('class="form-checkbox"') >= 12  # the commitments and more
    assert _dkfds_checkboxes(goal_form) == []
    imports = staff.get(f"/import/{ORG_A}/").content.decode()
    assert 'name="dry_run"' in imports
    assert _dkfds_checkboxes(imports) == []
    tokens = staff.get(f"/organisationer/{ORG_A}/api-tokens/").content.decode()
    assert _dkfds_checkboxes(tokens) == []


def _menu(html: str) -> list[str]:
    nav = html[
        html.index('<nav class="nav"') : html.index("</nav>", html.index('<nav class="nav"'))
    ]
    return re.findall(r"<span>([^<]+)</span>", nav)


def test_the_header_menu_follows_the_role(client_for) -> None:
    anonymous = _menu(client_for("anonymous").get("/").content.decode())
    staff = _menu(client_for("org_staff").get("/").content.decode())
    board = _menu(client_for("estate_board_a").get("/").content.decode())
    officer = _menu(client_for("municipality_officer").get("/").content.decode())
    assert anonymous[0] == "Forside" and "Nationalt billede" in anonymous
    assert "Import" not in anonymous and "Mål" not in anonymous
    assert {"Mål", "Rapporter", "Styringsdialog", "Import", "Din boligorganisation"} <= set(staff)
    assert "Din afdeling" in board and "Import" not in board
    assert {"Din kommune", "Styringsdialog"} <= set(officer)


def test_the_header_is_dkfds_with_a_mobile_drawer(client_for) -> None:
    html = client_for("anonymous").get("/").content.decode()
    assert 'class="portal-info"' in html and 'class="navigation-menu"' in html
    assert 'class="button button-secondary button-menu-open js-menu-open' in html
    assert 'aria-expanded="false" aria-controls="almen-mobile-drawer"' in html
    assert 'id="almen-mobile-drawer" role="dialog" aria-modal="true"' in html
    assert 'class="function-link button-menu-close js-menu-close"' in html
    assert '<a class="skipnav" href="#main-content">' in html
    assert 'lang="en">English</button>' in html  # a fragment in another language says so


def test_breadcrumbs_have_separators_on_pages_with_a_parent(client_for) -> None:
    html = client_for("org_staff").get(f"/organisationer/{ORG_A}/log/").content.decode()
    crumbs = html[
        html.index('class="breadcrumbs"') : html.index("</nav>", html.index('class="breadcrumbs"'))
    ]
    assert crumbs.count("breadcrumbs__list-item") == 3  # Forside › organisation A › Revisionslog
    assert crumbs.count("#chevron-right") == 2
    assert 'aria-current="page">' in crumbs


def test_allauth_pages_speak_plain_danish(client_for) -> None:
    html = client_for("org_board").get("/konto/reauthenticate/").content.decode()
    assert "Bekræft, at det er dig" in html
    assert "Genautentificer" not in html and "venligst" not in html


def test_the_token_page_says_api_nogler(client_for) -> None:
    html = client_for("org_staff").get(f"/organisationer/{ORG_A}/api-tokens/").content.decode()
    assert "<h1>API-nøgler</h1>" in html
    assert "API-token" not in html.replace("api-tokens/", "")


def test_pagination_keeps_the_filters_of_the_page() -> None:
    """The goal list's "mine" and status filters (and any search) survive paging."""
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/maal/", {"mine": "1", "status": "behind", "side": "2"})
    page = Paginator(list(range(75)), 25).get_page(2)
    html = render_to_string("web/_pagination.html", {"page": page}, request=request)
    assert 'href="?mine=1&amp;status=behind&amp;side=1"' in html
    assert 'href="?mine=1&amp;status=behind&amp;side=3"' in html
