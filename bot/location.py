"""The latest position per person (shared store, with a TTL) and the meal points near it."""

from __future__ import annotations

from bot.turn import Turn
from core.kv import KV, get_json, set_json
from services.people.residents import community_of

POSITION_TTL = 2 * 60 * 60
THROTTLE_SECONDS = 60.0  # LOCATION events can arrive every 5 s


def _key(openid: str) -> str:
    return f"wx:loc:{openid}"


def remember(kv: KV, openid: str, latitude: float, longitude: float) -> None:
    """Keep a person's latest position for a while."""
    set_json(kv, _key(openid), [latitude, longitude], POSITION_TTL)


def remember_throttled(kv: KV, openid: str, latitude: float, longitude: float) -> bool:
    """Keep a reported position at most once a minute; True when it was kept."""
    if not kv.set_if_absent(f"wx:loc-throttle:{openid}", "1", THROTTLE_SECONDS):
        return False
    remember(kv, openid, latitude, longitude)
    return True


def recall(kv: KV, openid: str) -> tuple[float, float] | None:
    """Return the person's latest position, if still fresh."""
    value = get_json(kv, _key(openid))
    return (float(value[0]), float(value[1])) if value else None


def position_for(turn: Turn) -> tuple[float, float] | None:
    """Return where to search from: the reported position, home, or the community centre."""
    where = recall(turn.kv, turn.message.openid) or turn.person.home_lat_lng
    if where is None and turn.person.community_id is not None:
        community = community_of(turn.session, turn.person.community_id)
        if community and community.latitude is not None and community.longitude is not None:
            where = (community.latitude, community.longitude)
    return where


def _distance(km: float) -> str:
    return f"约{round(km * 1000, -1):.0f}米" if km < 1 else f"约{km:.1f}公里"


def nearby_canteens_text(turn: Turn) -> str:
    """List the three nearest meal points with distance, address and phone."""
    from services.meals.canteens import list_canteens_near

    where = position_for(turn)
    if where is None:
        return "请点输入框旁边的“+”，发送您的位置，\n我帮您找最近的助餐点。"
    near = list_canteens_near(turn.session, lat=where[0], lng=where[1], limit=3)
    if not near:
        return "附近还没有助餐点。\n可以回复“转人工”问问社区。"
    lines = ["离您最近的助餐点："]
    for number, (canteen, km) in enumerate(near, start=1):
        lines.append(f"{number} {canteen.name}（{_distance(km)}）")
        lines.append(f"  地址：{canteen.address}" + (f"  电话：{canteen.phone}" if canteen.phone else ""))
    lines.append("想订餐，回复“订餐”。")
    return "\n".join(lines)
