"""Letter variants: each letter draws a subject line and a text, evenly per target, and says which."""

from collections import Counter

import pytest
from django.core import mail

from campaigns.models import MessageTemplate
from petitions.delivery.digests import compose_digests
from petitions.delivery.sending import send_delivery
from petitions.models import Delivery
from tests.factories import SignatureFactory, TargetFactory, queue_letters

pytestmark = pytest.mark.django_db

SUBJECTS = ["Release the jailed trade unionists", "Free the four trade unionists now", "Four unionists in jail"]
BODIES = [
    "Dear {target_name},\n\nRelease the four trade unionists.\n\nYours,\n{signer_signoff}",
    "Dear {target_name},\n\nFour people are in prison for organising a union. Please free them.\n\n{signer_signoff}",
    "To {target_name}:\n\nOrganising a union is no crime. Release the four.\n\nSincerely,\n{signer_signoff}",
]


@pytest.fixture
def varied(campaign):
    template = MessageTemplate.objects.get(campaign=campaign)
    template.letter_subject, template.letter_body = SUBJECTS[0], BODIES[0]
    template.subject_alternatives = "\n".join(SUBJECTS[1:])
    template.body_alternatives = "\n---\n".join(BODIES[1:])
    template.save()
    return campaign


def _send_letters(campaign, count: int) -> None:
    for _ in range(count):
        for delivery_id in queue_letters(signature=SignatureFactory(campaign=campaign)):
            send_delivery(delivery_id=delivery_id)


def test_the_template_lists_its_variants_main_first(varied):
    template = MessageTemplate.objects.get(campaign=varied)

    assert template.subject_variants() == SUBJECTS
    assert template.body_variants() == BODIES


def test_nine_letters_get_the_nine_combinations_and_store_which(varied):
    _send_letters(varied, 9)

    combinations = set(Delivery.objects.values_list("subject_variant", "body_variant"))
    assert combinations == {(s, b) for s in range(3) for b in range(3)}
    received = {(letter.subject, letter.body.split("\n\n")[1]) for letter in mail.outbox}
    assert len(received) == 9
    for letter in Delivery.objects.all():
        assert letter.subject == SUBJECTS[letter.subject_variant]


def test_a_thousand_letters_to_one_target_are_spread_evenly(varied, capsys):
    _send_letters(varied, 1000)

    subjects = Counter(letter.subject for letter in mail.outbox)
    bodies = Counter(letter.body.split("\n\n")[1] for letter in mail.outbox)
    combinations = Counter((letter.subject, letter.body.split("\n\n")[1]) for letter in mail.outbox)
    share = max(combinations.values()) / len(mail.outbox)
    with capsys.disabled():
        print(
            f"\n1,000 letters to one target: {len(mail.outbox)} arrived, {len(subjects)} distinct subjects, "
            f"{len(bodies)} distinct bodies, {len(combinations)} combinations, largest share {share:.1%} "
            f"(subjects {sorted(subjects.values())}, bodies {sorted(bodies.values())})"
        )
    assert len(mail.outbox) == 1000
    assert len(subjects) == 3
    assert len(bodies) == 3
    assert len(combinations) == 9
    assert share <= 0.5
    assert max(combinations.values()) - min(combinations.values()) <= 1


def test_each_target_has_its_own_rotation(varied):
    TargetFactory(campaign=varied, name="Prosecutor General")
    _send_letters(varied, 3)

    per_target = Counter(Delivery.objects.values_list("target_id", "subject_variant", "body_variant"))
    assert len(per_target) == 6
    assert set(per_target.values()) == {1}


def test_a_template_without_variants_always_sends_the_main_text(campaign):
    _send_letters(campaign, 3)

    assert set(Delivery.objects.values_list("subject_variant", "body_variant")) == {(0, 0)}
    assert {letter.subject for letter in mail.outbox} == {"Release the jailed trade unionists"}


def test_a_retry_sends_the_variant_it_first_got(varied):
    _send_letters(varied, 1)
    letter = Delivery.objects.get()

    letter.refresh_from_db()
    assert (letter.subject_variant, letter.body_variant) == (0, 0)
    assert letter.subject == SUBJECTS[0]


def test_digests_draw_variants_too(varied):
    varied.delivery_mode = "digest"
    varied.save()
    for _ in range(2):
        SignatureFactory(campaign=varied)
    for signature in varied.signatures.all():
        queue_letters(signature=signature)
    Delivery.objects.update(created_at="2020-01-01T10:00:00Z")

    assert compose_digests() >= 1

    digest = Delivery.objects.get(signature=None)
    assert (digest.subject_variant, digest.body_variant) == (0, 0)
    assert digest.subject.startswith(SUBJECTS[0])
