"""The dashboard: this month's figures and charts for one community."""

from __future__ import annotations

from typing import Any

from console import bp, charts
from console.pages import chosen_community, render
from console.session import current_staff, staff_page
from core.uow import db
from models.help_requests import LAYERS
from services.assistance.layers import layer_name
from services.operations import monthly_figures

CATEGORY_NAMES = {"living": "生活", "medical": "就医", "housing": "住房", "education": "上学",
                  "employment": "就业", "care": "照护", "other": "其他"}
STATUS_NAMES = {"submitted": "已提交", "accepted": "已受理", "assigned": "已派单",
                "in_progress": "办理中", "resolved": "已办好", "closed": "已办结",
                "cancelled": "已取消", "rejected": "不予受理", "referred": "已转介"}


def _layer_order(item: tuple[str, object]) -> int:
    return LAYERS.index(item[0]) if item[0] in LAYERS else len(LAYERS)


def _charts(board: monthly_figures.Dashboard) -> list[Any]:
    labels = [m[5:] + "月" for m in board.months]
    by_category = {CATEGORY_NAMES.get(c, c): [counts.get(m, 0) for m in board.months]
                   for c, counts in sorted(board.requests_by_category.items())}
    return [
        charts.stacked_bars("每月求助（按类别）", labels, by_category or {"求助": [0] * len(labels)},
                            unit="件"),
        charts.stacked_bars("每月求助（按救助层级）", labels, {
            layer_name(layer): [counts.get(m, 0) for m in board.months]
            for layer, counts in sorted(board.requests_by_layer.items(), key=_layer_order)
        } or {"求助": [0] * len(labels)}, unit="件"),
        charts.bars("每月助餐份数", labels, [board.meals_served.get(m, 0) for m in board.months],
                    unit="份"),
        charts.bars("每月助餐补贴", labels,
                    [board.subsidy_fen.get(m, 0) / 100 for m in board.months], unit="元"),
        charts.bars("每月志愿服务时长", labels,
                    [round(board.volunteer_minutes.get(m, 0) / 60, 1) for m in board.months],
                    unit="小时"),
    ]


@bp.get("/")
@staff_page
def dashboard() -> Any:
    """Show the community's figures for the last six months."""
    community = chosen_community()
    board = monthly_figures.get_dashboard(db(), actor=current_staff(), community_id=community.id)
    this_month = board.months[-1]
    statuses = [(STATUS_NAMES.get(s, s), n) for s, n in sorted(board.requests_by_status.items())]
    return render("console/dashboard.html", community=community, board=board,
                  charts=_charts(board), statuses=statuses, this_month=this_month,
                  status_chart=charts.bars("近半年求助状态", [s for s, _ in statuses],
                                           [n for _, n in statuses], unit="件"))
