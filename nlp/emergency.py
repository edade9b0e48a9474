"""Danger to life or health now: checked before any other intent, with no threshold."""

from __future__ import annotations

import re

# Cues that fix the category. A fall, a heart or stroke sign or breathing
# trouble is `medical`; fire, gas, a silent neighbour or suicidal talk is `other`.
_MEDICAL = (
    r"(?<![没不怕防止])(?:摔倒|跌倒|滑倒|摔伤|绊倒|栽倒)|摔了(?!\S{0,2}(?:碗|杯|盘|东西|手机))|摔了一跤|摔了个跟头|摔下来|摔在地上|(?<![水汤饭茶油奶酒粥菜])倒在(?:地|厕所|卫生间|床下|门口|楼道|路边)|倒地不起|(?:喊|叫)\S{0,3}不(?:答应|应|醒)"
    r"|胸口(?:疼|痛|闷|憋)|胸(?:痛|闷)|心口(?:疼|痛)|心脏病?(?:犯了|发作|疼|难受)|心脏\S{0,2}(?:不舒服|难受)|心慌得|心绞痛|心梗"
    r"|说不出话|口齿不清|说话不清|冒冷汗|站不住|站不稳|血压\S{0,2}(?:两百|二百|2\d\d)|出冷汗|神志不清|意识模糊|嘴(?:巴)?歪|半边(?:身子|身体|脸)?(?:动不了|麻了|没知觉|不能动)|半身不遂"
    r"|迷迷糊糊|高烧不退|烧到(?:四十|40)|中风|脑梗|脑出血|脑溢血|晕倒|昏倒|晕过去|昏过去|昏迷|不省人事|叫不醒|没(?:了)?意识|抽搐|抽风|抽起来|抽过去|口吐白沫|翻白眼"
    r"|喘不(?:上|过)来?气|喘得(?:厉害|不行|很)|(?:嘴唇|脸)\S{0,3}(?:发?紫|发青|青紫)|憋紫|噎着|呼吸困难|上不来气|透不过气|没(?:有)?呼吸|没(?:有)?心跳|噎住|卡住了?喉咙"
    r"|流血不止|血流不止|血止不住|止不住\S?血|血流个?不停|一直(?:在)?(?:流|淌)血|大出血|流了?好多血|流了?很多血|(?:头|脑袋)\S{0,4}流血|吐血"
    r"|烫伤|烧伤|骨折|中毒|吃错药|农药|触电|溺水|救护车|急救|打120|叫120"
)
_OTHER = (
    r"着火|失火|起火|火灾|烧起来了|冒烟|浓烟|好多烟|很多烟"
    r"|(?:煤气|燃气|天然气)(?:泄漏|泄露|漏了|漏气|味)|漏气了|闻到\S{0,4}(?:煤气|燃气|天然气)"
    r"|(?:好几|几|两|三|四|五|多)天(?:都|了)?没(?:见|看到|看见|开门|出门|露面|动静|人应|接电话|下楼)"
    r"|敲门(?:也)?没(?:人)?(?:应|开|回应|理)|(?:好几天|几天|一直)\S{0,6}(?:联系不上|不接电话)"
    r"|不想活|活着没(?:意思|意义|劲)|想死|不如死了|去死|自杀|轻生|寻死|跳楼|割腕|安眠药|了结自己|一了百了|活够了|死了算了|想不开|活不下去"
    r"|被困|困在电梯|电梯\S{0,4}(?:困|出不来|卡住)|被人?打(?:了|伤)|挨打|家暴|有人闯|小偷(?:在|进)|进了小偷|抢劫|走丢|走失"
    r"|找不到(?:我)?(?:爸|妈|老人|爷爷|奶奶|老伴|外公|外婆)|找不到人了|人找不到了|人不见了"
    r"|(?:出门|出去)\S{0,6}(?:小时|钟头|半天|一天|一夜|一晚上?|一上午|一下午|到现在|天黑)\S{0,4}(?:还)?没(?:有)?(?:回来|回家)"
)
_GENERIC = r"救命|快来人|报警|打110|打119"
_MEDICAL_RE = re.compile(_MEDICAL)
_OTHER_RE = re.compile(_OTHER)
_GENERIC_RE = re.compile(_GENERIC)
# Talk about prevention or training is not an emergency (防火知识讲座, 防摔倒课).
_PREVENTION_RE = re.compile(r"讲座|知识|演练|培训|宣传|课程|上课|活动|预防|防范|防止|怎么预防")


# A medical sign placed in the past (摔伤了 好几天了, 去年中风) is an ongoing need, not a
# danger now, unless something says it is happening now (现在起不来, 突然, 刚才).
_PAST_RE = re.compile(
    r"好几天了|好些天了|前几天|前些天|前些日子|几天前|上个?月|上个?礼拜|上个?星期|上周|去年|前年"
    r"|以前|早就|老毛病|已经好了|最近|行动不便|行动不方便|好多了|出院|几个月|半年|多年"
)
_NOW_RE = re.compile(r"刚|现在|突然|正在|马上|赶紧|快来|快点|还在|起不来|动不了|叫不醒|救命|急")


def emergency_category(text: str) -> str | None:
    """Return the category of an emergency: `medical`, `other`, or "" when no need is
    stated (救命 / 快来人 alone); None if the message signals no emergency."""
    best: tuple[int, str] | None = None
    for segment_start, segment in _segments(text):
        if _PREVENTION_RE.search(segment):
            continue
        for category, pattern in (("medical", _MEDICAL_RE), ("other", _OTHER_RE)):
            m = pattern.search(segment)
            if m and (best is None or segment_start + m.start() < best[0]):
                if category == "medical" and _in_the_past(text):
                    continue
                best = (segment_start + m.start(), category)
        if best is None and _GENERIC_RE.search(segment):
            best = (len(text), "")
    return best[1] if best else None


def _in_the_past(text: str) -> bool:
    return bool(_PAST_RE.search(text)) and not _NOW_RE.search(text)


def _segments(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for part in text.split(" "):
        out.append((pos, part))
        pos += len(part) + 1
    return out
