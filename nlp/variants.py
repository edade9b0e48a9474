"""Written variants folded to one standard form before any rule reads the text.

Two general layers, both data, not sentences:

1. Traditional → simplified characters (``訂晚飯`` → ``订晚饭``), a one-to-one
   table of the few hundred traditional characters this domain meets, applied
   with ``str.translate`` (one C pass). ``係`` maps to ``是``: in chat it is the
   Cantonese copula far more often than the ``系`` of 联系.
2. Regional and colloquial words → the standard word the rules know
   (粤 聽日/嘅/冇/唔該, 川渝 啥子/莫得, 吴 阿拉/明朝/伐, 东北 嘎哈/咋整). One
   alternation, longest phrase first, gated by its first characters.
3. English and toneless pinyin words typed into (or instead of) Chinese
   (``lunch tomorrow``, ``dingcan houtian wufan``) → their Chinese word. A
   run of mapped Latin words is joined without spaces so the Chinese rules
   read it as one phrase (``wo shangci qiuzhu de shi`` → 我上次求助的事).
   One-syllable pinyin (wo, de, le …) is mapped only in a message that also
   holds a longer pinyin word, so English "de" or "a" stays English.
"""

from __future__ import annotations

import re

# Pairs "traditional simplified", separated by spaces. Only characters whose
# simplified form differs; unambiguous in this domain.
_T2S_PAIRS = """
訂订 飯饭 幫帮 聽听 門门 們们 兩两 個个 嗎吗 麼么 來来 這这 裡里 裏里 後后 請请 問问 謝谢 電电
話话 號号 樓楼 單单 開开 關关 時时 間间 從从 會会 說说 讓让 給给 還还 過过 進进 遠远 運运 邊边
點点 齊齐 週周 禮礼 買买 賣卖 費费 錢钱 貼贴 補补 務务 動动 參参 報报 積积 換换 兌兑 領领 區区
長长 與与 義义 診诊 講讲 團团 體体 檢检 書书 畫画 歲岁 醫医 療疗 藥药 頭头 腦脑 臉脸 腳脚 暈晕
護护 險险 災灾 氣气 煙烟 燒烧 燈灯 壞坏 廁厕 衛卫 牆墙 鎖锁 熱热 學学 習习 孫孙 兒儿 爺爷 媽妈
陳陈 劉刘 張张 趙赵 吳吴 黃黄 鄭郑 楊杨 許许 馬马 簽签 結结 記记 錄录 鐘钟 幾几 沒没 亂乱 對对
確确 認认 當当 幹干 願愿 專专 業业 職职 資资 訊讯 綁绑 註注 冊册 碼码 銀银 戶户 變变 歡欢 見见
應应 該该 樣样 麵面 雞鸡 魚鱼 湯汤 蝦虾 飲饮 葷荤 餃饺 饅馒 涼凉 貧贫 難难 殘残 礙碍 臨临 濟济
養养 愛爱 際际 機机 構构 園园 員员 負负 責责 線线 網网 舊旧 親亲 婦妇 聯联 絡络 繫系 處处 辦办
價价 錯错 誤误 訴诉 總总 經经 驗验 規规 條条 標标 題题 裝装 據据 證证 歷历 層层 鄰邻 鄉乡 鎮镇
縣县 齡龄 紀纪 營营 頓顿 級级 紅红 燙烫 傷伤 腫肿 喚唤 紹绍 著着 導导 課课 舉举 預预 約约 隊队
實实 現现 發发 無无 壓压 腸肠 場场 廣广 寫写 戲戏 簾帘 櫃柜 鐵铁 蓋盖 隻只 雙双 塊块 車车 啟启
帶带 讀读 將将 歸归 達达 誰谁 並并 於于 為为 隨随 雖虽 覺觉 視视 顧顾 節节 慶庆 陽阳 曆历 陰阴
數数 萬万 陸陆 雜杂 貨货 損损 環环 嚴严 緊紧 擔担 憂忧 悶闷 懷怀 響响 鬧闹 識识 樂乐 夢梦 廢废
測测 試试 廳厅 廚厨 潔洁 淨净 掃扫 髒脏 擺摆 遷迁 選选 盡尽 剛刚 鬆松 緩缓 彎弯 糧粮 麥麦 豐丰
飽饱 餓饿 飢饥 饑饥 穀谷 鹽盐 醬酱 燉炖 滷卤 燜焖 餅饼 餛馄 飩饨 鮮鲜 豬猪 鴨鸭 餚肴 餐餐 訂订
師师 協协 區区 務务 衆众 眾众 週周 蘋苹 蔔卜 鬥斗 傳传 腎肾 臟脏 癱瘫 瘓痪 歲岁 種种 劑剂 針针
衝冲 癮瘾 濕湿 膽胆 鬍胡 髮发 剪剪 洗洗 澡澡 陪陪 買买 電电 瓦瓦 斯斯 漏漏 爐炉 暖暖 氣气 燈灯
窩窝 鋪铺 權权 幣币 寶宝 獎奖 勵励 議议 觀观 賽赛 聽听 錶表 閱阅 館馆 劇剧 藝艺 術术 詩诗 歌歌
兌兑 圍围 獨独 居居 鄰邻 勞劳 慰慰 問问 續续 額额 餘余 筆笔 紙纸 簡简 細细 談谈 詢询 諮咨 調调
職职 稱称 蘭兰 壩坝 嬤嬷 孃娘 媳媳 婆婆 跡迹 瞭了 嘆叹 罷罢 羅罗 蘇苏 華华 衛卫 陳陈 譚谭 蕭萧
盧卢 龍龙 鄧邓 葉叶 韓韩 馮冯 蔣蒋 嚮向 穩稳 準准 掛挂 號号 態态 慣惯 啞哑 聾聋 煩烦 惱恼 擾扰
撥拨 攜携 擇择 擠挤 據据 據据 攤摊 揀拣 擬拟 撿捡 潑泼 溫温 滿满 滅灭 濾滤 瀉泻 燭烛 爛烂 牽牵
狀状 猶犹 獲获 現现 瑣琐 畢毕 畫画 癒愈 瘋疯 療疗 盤盘 睏困 礎础 禍祸 稅税 穌稣 窮穷 竊窃 築筑
糾纠 紓纾 組组 細细 終终 絕绝 統统 絲丝 綜综 緒绪 練练 縮缩 織织 繳缴 繼继 續续 罰罚 聲声 膚肤
臨临 興兴 舍舍 艱艰 莊庄 藍蓝 蟲虫 補补 襪袜 製制 複复 規规 親亲 觸触 訪访 設设 許许 診诊 詳详
誠诚 課课 請请 諒谅 講讲 謀谋 譯译 護护 讚赞 貸贷 貴贵 貼贴 賀贺 資资 賴赖 購购 贈赠 趕赶 跡迹
蹤踪 輔辅 輕轻 載载 輪轮 辦办 農农 迴回 遊游 過过 達达 違违 遞递 適适 遲迟 還还 郵邮 鄉乡 醜丑
釋释 針针 鈴铃 銷销 鍋锅 鍵键 鏡镜 長长 閃闪 閒闲 閑闲 隨随 險险 隱隐 雞鸡 靈灵 靜静 頂顶 項项
順顺 預预 領领 頸颈 頻频 顆颗 顯显 風风 飄飘 飛飞 飼饲 餵喂 騎骑 驚惊 體体 鬥斗 魯鲁 鳥鸟 鹹咸
麗丽 黨党 齒齿 喫吃 裡里 係是 鍾钟
"""
_T2S = str.maketrans(
    {pair[0]: pair[1] for pair in _T2S_PAIRS.split() if len(pair) == 2 and pair[0] != pair[1]}
)

# Regional / colloquial word → standard word. Keys are matched after the
# traditional characters are folded, so they are written in simplified form.
_REGIONAL: dict[str, str] = {
    # 粤 (Cantonese written as Mandarin)
    "听日": "明天", "听朝": "明早", "寻日": "昨天", "琴日": "昨天", "今朝": "今天",
    "嘅": "的", "喺": "在", "咗": "了", "冇": "没有", "有没有": "有没有", "有冇": "有没有",
    "唔该晒": "谢谢", "多谢晒": "谢谢", "唔该": "麻烦", "唔使": "不用", "唔要": "不要",
    "唔系": "不是", "唔是": "不是", "起唔到身": "起不来", "起唔到": "起不来", "唔": "不",
    "咩": "什么", "乜嘢": "什么", "乜": "什么", "边个": "谁", "边度": "哪里", "在边": "在哪",
    "边几": "哪几", "点样": "怎么", "点用": "怎么用", "点算": "怎么办", "点解": "为什么",
    "几多": "多少", "仲有": "还有", "嚟": "来", "佢哋": "他们", "我哋": "我们", "你哋": "你们",
    "佢": "他", "屋企": "家里", "餸": "菜", "食饭": "吃饭", "食咗": "吃了", "跌亲": "摔倒了",
    "揾": "找", "睇": "看", "畀": "给", "攞": "拿", "啲": "些", "嘢": "东西", "呢个": "这个",
    "系咪": "是不是", "得唔得": "行不行", "好唔好": "好不好", "要唔要": "要不要",
    "后日": "后天", "前日": "前天", "晏昼": "中午", "下昼": "下午", "朝早": "早上", "过嚟": "过来",
    "冇得": "没有",
    # 闽 (Hokkien written as Mandarin)
    "明仔载": "明天", "今仔日": "今天", "中昼顿": "午饭", "中昼": "中午", "暗顿": "晚饭", "呷饭": "吃饭",
    "厝里": "家里", "家己": "自己", "毋免": "不用", "按呢": "这样",
    # 北方: 后晌 (afternoon / evening meal), 中顿
    "后晌": "晚上", "中顿": "午饭",
    # 川渝
    "啥子": "什么", "莫得": "没有", "没得": "没有", "啷个": "怎么", "咋个": "怎么", "屋头": "家里",
    "娃娃": "孩子", "娃儿": "孩子", "晓得": "知道", "摆龙门阵": "聊天",
    # 吴
    "阿拉": "我们", "侬": "你", "屋里厢": "家里", "明朝": "明天", "姆妈": "妈妈", "覅": "不要",
    "勿要": "不要", "晏饭": "午饭", "伐": "吗",
    # 东北 / 北方
    "嘎哈": "干什么", "干哈": "干什么", "咋整": "怎么办", "弄啥嘞": "干什么", "唠嗑": "聊天",
    "俺们": "我们", "俺": "我", "恁": "你",
    # formal / written
    "预定": "预订", "元月": "一月", "送至": "送到", "家中": "家里", "是否": "是不是",
}
_REGIONAL_RE = re.compile("|".join(sorted(map(re.escape, _REGIONAL), key=len, reverse=True)))
_REGIONAL_GATE = frozenset(key[0] for key in _REGIONAL)
# 整 as a verb of ordering (东北): 整两份 / 整一份饭 / 整个饭 → 要.
# Cantonese 食 = 吃 (过来食, 食乜嘢), never inside 食堂 / 伙食 / 粮食 / 零食.
_SHI_RE = re.compile(r"(?<![伙粮饮零主美熟肉素])食(?![堂物品谱材欲量疗补])")
# Shanghainese 客 as a portion: 两客 → 两份.
# Symbols people tap instead of words.
_EMOJI = str.maketrans({"🙅": " 不要 ", "👍": " 好 ", "🆘": " 救命 ", "🍚": "饭", "🍱": "饭", "🙏": " 谢谢 ", "👌": " 好的 ", "✅": " 好的 ", "❌": " 不要 "})
_KE_RE = re.compile(r"(?<=[一二两俩三四五六七八九十\d])客")
_ZHENG_RE = re.compile(r"整(?=[一二两俩三四五六七八九十\d]份|个饭|点饭|(?:一|两|俩)?个?(?:午饭|晚饭|早饭))")


def _regional(m: re.Match[str]) -> str:
    return _REGIONAL[m.group(0)]


def fold_variants(text: str) -> str:
    """Return text with traditional characters and regional words in standard simplified form."""
    text = text.translate(_T2S).translate(_EMOJI)
    if not _REGIONAL_GATE.isdisjoint(text):
        text = _REGIONAL_RE.sub(_regional, text)
    if "整" in text:
        text = _ZHENG_RE.sub("要", text)
    if "食" in text:
        text = _SHI_RE.sub("吃", text)
    if "客" in text:
        text = _KE_RE.sub("份", text)
    return fold_latin(text)


# English words and phrases (lower case; matched on word boundaries).
_ENGLISH: dict[str, str] = {
    "breakfast": "早饭", "lunch": "午饭", "dinner": "晚饭", "supper": "晚饭",
    "cancel": "取消", "book": "订", "booking": "订餐", "bookings": "订单", "order": "订", "orders": "订单",
    "my": "我的", "i": "我", "me": "我", "menu": "菜单", "today": "今天", "tomorrow": "明天",
    "yesterday": "昨天", "tonight": "今晚", "deliver": "送到家", "delivery": "送到家",
    "pls": "请", "please": "请", "human": "人工", "agent": "人工", "staff": "工作人员",
    "social worker": "社工", "check in": "签到", "check-in": "签到", "checkin": "签到",
    "sign in": "签到", "check out": "签退", "check-out": "签退", "checkout": "签退",
    "sign out": "签退", "start service": "开始服务", "end service": "服务结束",
    "i'm here": "我到了", "im here": "我到了", "status": "进度", "request": "求助",
    "where is": "在哪", "where's": "在哪", "where": "哪里", "canteen": "食堂", "the": "",
    "points": "积分", "point": "积分", "volunteer": "志愿者", "register": "注册",
    "sign up": "报名", "signup": "报名", "activity": "活动", "activities": "活动",
    "event": "活动", "events": "活动", "help me": "帮帮我", "thanks": "谢谢", "thank you": "谢谢",
    "eat in": "堂食", "dine in": "堂食", "pick up": "自取", "pickup": "自取", "takeaway": "自取",
    "tmr": "明天", "tmrw": "明天", "tomorow": "明天", "thx": "谢谢", "follow up": "进度", "any news": "有消息吗",
    "for my": "给我", "mom": "妈", "mum": "妈", "mother": "妈", "dad": "爸", "father": "爸", "grandma": "奶奶",
    "grandpa": "爷爷", "groceries": "买菜", "buy": "买", "heater": "暖气", "broken": "坏了", "fix": "修",
    "list": "查", "meals": "订餐", "meal": "饭", "this week": "这周", "what's for": "吃什么", "whats for": "吃什么",
    "discount": "优惠", "seniors": "老人", "help": "帮助", "urgent": "急", "pain": "疼",
    "sos": "救命", "thank u": "谢谢", "bye": "再见", "nah": "不要", "redeem": "兑换",
    "fell": "摔倒了", "fallen": "摔倒了", "can't get up": "起不来", "cant get up": "起不来", "chest pain": "胸口疼",
    "can't breathe": "喘不上气", "cant breathe": "喘不上气", "bleeding": "流血不止", "unconscious": "昏迷",
    "stroke": "中风", "heart attack": "心梗", "gas leak": "煤气泄漏", "emergency": "救命", "choking": "噎住了",
    "overdose": "吃了一把药", "suicide": "自杀", "passed out": "晕倒了", "fall": "摔倒", "fire": "着火", "ambulance": "救护车",
}
# How-is-X-going questions: the frame, not the sentence.
_GOING_RE = re.compile(r"how(?:'s| is| are)\s+(.+?)\s+going")
# Toneless pinyin, several syllables (unambiguous) and single syllables (only with others).
_PINYIN: dict[str, str] = {
    "dingcan": "订餐", "dingfan": "订饭", "quxiao": "取消", "tuiding": "退订",
    "mingtian": "明天", "jintian": "今天", "zuotian": "昨天", "houtian": "后天", "qiantian": "前天",
    "dahoutian": "大后天", "mingr": "明儿", "zaofan": "早饭", "wufan": "午饭", "zhongfan": "中饭",
    "wanfan": "晚饭", "zaocan": "早餐", "wucan": "午餐", "wancan": "晚餐", "zhongwu": "中午",
    "wanshang": "晚上", "zaoshang": "早上", "yifen": "一份", "liangfen": "两份", "sanfen": "三份",
    "songdaojia": "送到家", "songcan": "送餐", "songfan": "送饭", "tangshi": "堂食", "ziqu": "自取",
    "caidan": "菜单", "chisha": "吃啥", "shenme": "什么", "chishenme": "吃什么",
    "qiandao": "签到", "qiantui": "签退", "jifen": "积分", "chaxun": "查询", "duihuan": "兑换",
    "zhiyuanzhe": "志愿者", "baoming": "报名", "zhuce": "注册", "dengji": "登记", "qiuzhu": "求助",
    "jiuming": "救命", "bangmang": "帮忙", "rengong": "人工", "zhuanrengong": "转人工",
    "shegong": "社工", "huodong": "活动", "dibao": "低保", "butie": "补贴", "shitang": "食堂",
    "zhucandian": "助餐点", "nali": "哪里", "fujin": "附近", "shangci": "上次", "zenmeyang": "怎么样",
    "xiexie": "谢谢", "haode": "好的", "buyong": "不用", "buyao": "不要", "shuaidao": "摔倒",
    "zhaohuo": "着火", "meiqi": "煤气", "jinzhang": "紧张", "yiyuan": "医院", "kanbing": "看病",
    "fuwu": "服务", "xiaoshi": "小时", "zhouyi": "周一", "zhouer": "周二", "zhousan": "周三",
    "zhousi": "周四", "zhouwu": "周五", "zhouliu": "周六", "zhouri": "周日", "xiazhou": "下周",
    "jindu": "进度", "jiuwo": "救我", "yundao": "晕倒", "yundaole": "晕倒了", "hunmi": "昏迷", "liuxue": "流血",
    "chuanbushangqi": "喘不上气", "zoudiu": "走丢", "zoudiule": "走丢了", "shuaidaole": "摔倒了", "xinzang": "心脏",
    "qibulai": "起不来", "jiaobuxing": "叫不醒", "zisha": "自杀", "buxianghuo": "不想活", "zaima": "在吗", "nihao": "你好", "bangzhu": "帮助", "dingdan": "订单", "linshi": "临时", "jiuzhu": "救助", "yixia": "一下", "woma": "我妈", "woba": "我爸",
    "laoban": "老伴", "nainai": "奶奶", "yeye": "爷爷", "xiongkou": "胸口", "teng": "疼", "chuhan": "出汗",
    "shuaile": "摔了", "qilai": "起来", "buliao": "不了", "zhaohuole": "着火了", "dingyixia": "订一下", "shenqing": "申请", "bangwo": "帮我", "woyao": "我要", "woxiang": "我想",
}
_PINYIN_SHORT: dict[str, str] = {
    "wo": "我", "de": "的", "le": "了", "shi": "事", "yao": "要", "ding": "订", "fen": "份",
    "yi": "一", "liang": "两", "san": "三", "si": "四", "chi": "吃", "sha": "啥", "song": "送",
    "ma": "吗", "ne": "呢", "zai": "在", "na": "哪", "bu": "不", "mei": "没", "you": "有",
    "jia": "家", "fan": "饭", "can": "餐", "jiu": "救", "cha": "查", "ba": "爸", "han": "汗", "dao": "到", "qu": "去", "lai": "来", "hao": "好", "ge": "个", "ni": "你",
}
_LATIN_RE = re.compile(
    "|".join(sorted((re.escape(k) for k in _ENGLISH if " " in k or "-" in k or "'" in k), key=len, reverse=True))
    + r"|[a-z]+"
)
_HAS_LATIN_RE = re.compile(r"[a-z]{2}|(?<![a-z])i(?![a-z])")


_SYLLABLE_RUN_RE = re.compile(r"[a-z]+(?: [a-z]+)+")


def _join_syllables(m: re.Match[str]) -> str:
    """shang ci de qiu zhu → shangci de qiuzhu: join syllables that spell a known word."""
    words, out, i = m.group(0).split(), [], 0
    while i < len(words):
        for n in (4, 3, 2):
            if i + n <= len(words) and "".join(words[i : i + n]) in _PINYIN:
                out.append("".join(words[i : i + n]))
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return " ".join(out)


def fold_latin(text: str) -> str:
    """Return text with known English and pinyin words as Chinese (lower-case input)."""
    if not _HAS_LATIN_RE.search(text):
        return text
    text = _SYLLABLE_RUN_RE.sub(_join_syllables, text)
    text = _GOING_RE.sub(lambda m: f"{m.group(1)} 进展怎么样", text)
    words = re.findall(r"[a-z]+", text)
    long_pinyin = any(w in _PINYIN for w in words) or (
        len(words) >= 3 and all(w in _PINYIN_SHORT for w in words)
    )
    out: list[str] = []
    last = 0
    joined_prev = False
    for m in _LATIN_RE.finditer(text):
        word = m.group(0)
        chinese = _ENGLISH[word] if word in _ENGLISH else _PINYIN.get(word)
        if chinese is None and long_pinyin:
            chinese = _PINYIN_SHORT.get(word)
        if chinese is None:
            joined_prev = False
            continue
        gap = text[last : m.start()]
        if joined_prev and not gap.strip():
            gap = ""  # a run of mapped words reads as one phrase
        out.append(gap + chinese)
        last = m.end()
        joined_prev = True
    out.append(text[last:])
    return "".join(out)
