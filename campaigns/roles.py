"""What each role may do in its organisation: the one table every admin permission reads.

Seeing or exporting signers' data, and erasing it, are separate capabilities, so an organisation
can let a volunteer translate or follow the figures without ever reaching a name or an address.
"""

from enum import StrEnum

from campaigns.enums import Role


class Can(StrEnum):
    VIEW = "view"  # campaigns, their pages, letters and figures (counts only)
    TRANSLATE = "translate"  # the page and letter of each language
    EDIT = "edit"  # campaigns, targets, partners, publishing, letters in the queue, moderation
    SEE_SIGNERS = "see_signers"  # the signers' names, addresses and messages, and the letters
    EXPORT = "export"  # download the signers
    ERASE = "erase"  # erase a signer's personal data
    MANAGE = "manage"  # the organisation's own details


CAPABILITIES: dict[str, frozenset[Can]] = {
    Role.OWNER: frozenset(Can),
    Role.CAMPAIGNER: frozenset({Can.VIEW, Can.TRANSLATE, Can.EDIT, Can.SEE_SIGNERS, Can.EXPORT}),
    Role.TRANSLATOR: frozenset({Can.VIEW, Can.TRANSLATE}),
    Role.VIEWER: frozenset({Can.VIEW}),
}


def roles_with(capability: Can) -> list[str]:
    return [role for role, capabilities in CAPABILITIES.items() if capability in capabilities]
