"""The role matrix, in one place: which role a brand action needs."""

from enum import StrEnum

from tenancy.models import ROLE_RANK, Role


class Action(StrEnum):
    VIEW = "view"  # read posts, jobs, connection status
    EDIT_POSTS = "edit_posts"  # write, schedule, publish, cancel posts
    MANAGE_CONNECTIONS = "manage_connections"  # connect, refresh, disconnect accounts
    MANAGE_POLICY = "manage_policy"  # brand policy, compliance packs, approve reviews
    MANAGE_MEMBERS = "manage_members"  # add, change and remove members


MIN_ROLE = {
    Action.VIEW: Role.VIEWER,
    Action.EDIT_POSTS: Role.EDITOR,
    Action.MANAGE_CONNECTIONS: Role.ADMIN,
    Action.MANAGE_POLICY: Role.ADMIN,
    Action.MANAGE_MEMBERS: Role.OWNER,
}


def role_allows(role: str | None, action: Action) -> bool:
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[MIN_ROLE[action]]
