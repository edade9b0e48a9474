"""The category of a non-emergency help request, where the message states the need."""

from __future__ import annotations

import re

# Checked in this order: the more specific need wins (没钱看病 is medical, 没钱交学费 education).
_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("medical", r"药|医院|看病|挂个?号|换药|伤口|摔伤|受伤|骨折|中风|脑梗|就医|住院|复查|医药费|药费|买\S?药|拿\S?药|取\S?药|开\S?药|吃药|生病|病了|手术|挂号|透析|治疗|医生|诊所|陪诊|康复|身体不舒服|发烧|高烧|烧到|感冒|咳嗽|拉肚子|腹泻|呕吐|头晕|头疼|不舒服|疼|糖尿病|高血压|心脏病|慢性病|病人|癌|肿瘤|打针|输液|挂水|吊瓶|胰岛素|测血糖|量血压|血糖|血压|体检|牙|眼科|配眼镜|助听器|拐杖|轮椅|化疗|复诊|门诊|急诊"),
    ("education", r"学费|上学|转学|读书|学校|辍学|课本|书本费|助学|入学|作业|辅导|补课|奖学金|念书|考学|网课|上课|文具|书包|学杂费|幼儿园|托管|课外|家教|考试"),
    ("employment", r"工作|找活|活干|失业|辞退|下岗|就业|招工|打工|上班|工资|开除|裁员|欠薪|找事做|没活干|挣钱"),
    ("housing", r"房租|房东|租房|房子|漏水|漏雨|水管|下水道|马桶|屋顶|维修|修(?:一下|理|好|修)|墙|门锁|锁坏|灯坏|灯泡|灯管|电灯|插座|热水器|煤气灶|电线|没地方住|无家可归|危房|暖气片|暖气.{0,12}(?:修|来看看|检查|坏|漏|不通)|(?:修|检查)\S{0,3}暖气|窗户|住的地方|房顶|地板|天花板|墙皮|门窗|水龙头|电路|跳闸|线路|燃气灶|抽油烟机|下水|化粪|屋里\S{0,2}漏|修房|装修|扶手|适老化"),
    ("living", r"没(?:有)?收入|没(?:有)?吃的|没(?:有)?(?:米|面|饭|钱|电(?![脑视话梯瓶扇动])|水(?!管|龙头|壶|电)|粮|煤)|没米|没面|米缸|见底|缺粮|没粮|没饭|吃不上|吃不饱|揭不开锅|断粮|没钱|生活费|吃不起|花光|拿不出|电费|水费|燃气费|煤气费|停电|停水|断电|断水|生活困难|过不下去|粮油|米面|衣服|棉被|被子|过冬|取暖|暖气|冻|太冷"),
    ("care", r"打扫|扫雪|扫地|扫一扫|扫扫|卫生(?!间)|做饭|洗个?澡|买菜|买东西|买点|理个?发|陪(?:我|他|她)?(?:聊|唠|说\S?话|散步)|聊天|说说话|闷得慌|解闷|读信|念信|读报|读\S{0,3}(?:信|报|书|通知|说明)|念\S{0,3}(?:信|报|通知)|看不清|看不见|陪陪|陪着|没人(?:说话|聊天|陪)|失明|陪伴|照顾|扛|上楼|下楼|护理|护工|保姆|钟点工|陪护|跑腿|代买|洗衣|收拾|搬东西|看护|上下楼|出不了门|独居|孤单|寂寞|喂饭|擦身|一个人住|一个人过|没人管|来看看|探望"),
)
_CATEGORY_RES = tuple((name, re.compile(pattern)) for name, pattern in _CATEGORIES)
# What is left after removing these says whether a need was stated at all.
_GENERIC_RE = re.compile(
    r"我们|我想|我要|想要|申请|临时|救助|求助|帮助|帮帮|帮忙|能不能|可不可以|可以|麻烦|一下|你们|社区|"
    r"有没有|需要|帮我|遇到|困难|事情|救救|请|吗|啊|呀|了|的|嗯|那个|谢谢|点|急|我|人|能|帮|家|里|找|个|想|要|就是"
)
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
MIN_NEED_CHARS = 3


def help_category(text: str) -> str | None:
    """Return the stated need's category, `other` for an unlisted need, None if unstated."""
    for name, pattern in _CATEGORY_RES:
        if pattern.search(text):
            return name
    remainder = _GENERIC_RE.sub("", text)
    if len(_CJK_RE.findall(remainder)) >= MIN_NEED_CHARS:
        return "other"
    return None
