"""Danger to life or health now: concept lexicons matched with gaps, then negation and time.

A message is not matched against sentences. It is read for *concepts* — a
body part with a symptom (胸口…疼, 嘴角…耷拉), a hazard with a state
(煤气…味, 水…到腰), a person unseen for a time (三天…没下楼), a means with a
farewell (一把药 … 对不起) — each a short regex family allowing a few
characters between its parts. Concepts are of two strengths:

- **decisive** (``_STRONG``): one is enough — 喘不上气, 叫不醒, 血止不住, 着火,
  煤气味, 不想活, 拿刀要砍 …
- **signs** (``_SIGNS``): one alone is a doubt (the bot asks "您是不是遇到危险了？"),
  two different signs together, or one with a "now / suddenly" cue, are an
  emergency — the stroke signs (face, speech, one-sided weakness, sudden
  confusion), chest discomfort with sweat or pain spreading, a frail person
  alone in the cold, veiled suicidal talk (a burden, a farewell, giving things
  away) …

Then the time and mood of the message: a sign that is negated right before
it (没摔倒, 不疼) does not count; a sign placed in the past with nothing
happening now (上个月摔了一跤), resolved (现在好了, 抢救过来了, 后来找到了),
hypothetical or preventive (万一着火, 防走失手环, 急救培训, 差点触电) lowers the
score below an emergency. The result is a score in 0–1 and a category;
`EMERGENCY` and above is an emergency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.gates import first_chars

EMERGENCY = 0.7  # at or above: urgency emergency
SIGN_ALONE = 0.45  # one sign, nothing else: the bot asks (result.DANGER_ASK is 0.35)
PAST_FACTOR = 0.3  # a decisive cue placed in the past: below an emergency and below asking
SETTLED_FACTOR = 0.25  # resolved, hypothetical, preventive: not a danger now

P = r"(?:我|俺|他|她|人|老伴儿?|老头子?|老太太?|老爷子|爸|妈|爹|娘|爷爷|奶奶|姥姥|姥爷|外公|外婆|孙子|孙女|儿子|闺女|女儿|媳妇|邻居|大爷|大妈|大娘|阿姨|叔|婆婆|公公|老人|孩子)"
G = r".{0,6}?"  # a short gap inside one concept
WIDE = r".{0,14}?"

# (concept, category, pattern). Decisive: one match is an emergency.
_STRONG: tuple[tuple[str, str, str], ...] = (
    ("stroke", "medical", r"中风|脑梗|脑溢血|脑出血|半身不遂|口眼歪斜"),
    ("heart", "medical",
     r"心梗|心肌梗|心绞痛|心脏病?\S{0,2}(?:犯了|发作|骤停)|心跳\S{0,2}(?:停了|没了)"
     r"|(?:胸口|心口|胸|心窝)\S{0,4}(?:疼|痛|闷|压了|压着|憋|绞|揪|石头|坐在上面)|心脏\S{0,2}(?:疼|痛|难受|受不了)"),
    ("unconscious", "medical",
     r"晕倒|昏倒|晕过去|昏过去|昏迷|不省人事|(?:叫|喊|拍|推|摇)(?:也|都)?(?:叫|喊|拍|推|摇)?不(?:醒|睁眼)|(?:叫|喊|拍|推|摇)(?:也|都)不动"
     r"|(?:叫|喊|拍|推|摇)\S{0,8}(?:还|都|也)没醒"
     r"|(?:叫|喊|拍|推|摇|捅)\S{0,5}(?:都|也)?(?:没|不)(?:有)?(?:反应|动静|应声|睁眼|醒|答应)|没(?:了)?(?:反应|知觉|意识)"
     r"|一动不动|不动弹|没气了|没(?:了)?呼吸|不(?:会)?喘气|没(?:了)?心跳|出气\S{0,2}(?:弱|少)"
     r"|翻白眼|口吐白沫|抽搐|抽风|抽筋|抽起来|抽过去|(?:人|他|她|躺着|趴着|坐着|嘴张着|一下就)\S{0,2}不动了|倒下了?|心肺复苏|人工呼吸|(?:妈|爸|伴|奶|爷|他|她|人|娘|爹)晕了|瘫(?:在|倒在)?地上|瘫倒"
     r"|(?:就|一下子?|突然|刚才?|一歪)\S{0,2}倒(?:了|下)|一口气没上来|看不到人了|(?:手|腿|身子|浑身)\S{0,3}(?:一直|直|不停地?)抽|人事不知"),
    ("breathing", "medical",
     r"喘不(?:上|过|动)来?气|喘不(?:上|过)来|上不来气|透不过气|吸不进气|吸不上气|喘不上|出不来气|呼吸困难|没法呼吸"
     r"|憋得\S{0,3}(?:发紫|通红|发青|青紫|脸红|脸紫)|(?:嘴唇|嘴|脸)\S{0,3}(?:发紫|青紫|发青|紫了)|哮喘\S{0,2}(?:犯|发作)"
     r"|喘(?:得|的)(?:厉害|不行|很|上气不接下气|跟拉风箱)|拉风箱|呼哧呼哧|(?:嗓子|喉咙)\S{0,3}(?:发紧|肿|堵住)|咳粉红|制氧机\S{0,3}停"),
    ("choking", "medical",
     r"(?:卡|噎)(?:在|到|住)?\S{0,2}(?:嗓子|喉咙|气管|食管)|噎(?:住|着)|卡住\S{0,8}(?:咳不|喘不|说不出|憋|吐不)"
     r"|咳不出来|(?:吃|咽|被)\S{0,6}(?:卡住|噎)|(?:粘|卡)在\S{0,2}(?:喉咙|嗓子)|海姆立克"),
    ("bleeding", "medical",
     r"血\S{0,8}(?:止不住|不停|直流|直冒|哗哗|往外冒|往外流|往外渗|往外涌|湿透|一大滩|一地|流个不停)"
     r"|(?:止不住|停不下来?)\S{0,2}(?:的)?血|大出血|流了?(?:好多|很多|一地|一大摊|一摊|不少)血|吐血|(?:头|脑袋)\S{0,4}(?:破了|流血|出血)"
     r"|(?:好|很)?(?:深|大)\S{0,2}口子|咳血|吐血|便血|骨头\S{0,3}露|露\S{0,2}骨头|(?:满脸|满头|一脸|一身|满身|地上|满地)\S{0,2}(?:是|都是)?血|拉\S{0,3}(?:黑|血)|柏油|咖啡色|流血不止|一大滩血"),
    ("fall", "medical",
     r"(?<![没不怕防止别])(?:摔倒|跌倒|滑倒|摔伤|绊倒|栽倒|摔过|摔了一跤|滑了一跤|跌了一跤|摔了个跟头|摔下来|摔在地上|摔地上|滚下来|踩空)"
     r"|(?<![没不怕防止别])摔了(?!.{0,3}(?:碗|杯|盘|东西|手机|屏))|(?<![水汤饭茶油奶酒粥菜])倒在(?:地|厕所|卫生间|床下|门口|楼道|路边|沙发)"
     r"|倒地不起|(?:躺|趴|倒|瘫)(?:在)?地上|地上躺着|骨折|(?:腿|胳膊|手|胯|骨头)\S{0,6}(?:断了|拧成)"
     r"|从\S{0,6}(?:楼|阳台|窗户|梯子|房顶|床上)\S{0,4}(?:掉|摔|跌|滚)下|掉下(?:来|去)了|(?:掉|落)(?:进|到)\S{0,4}(?:水|河|池|井|塘)|落水|溺水"),
    ("burn", "medical",
     r"烫伤|烧伤|烫着|(?:开水|热水|热油|油锅)\S{0,6}(?:烫|泼)|高烧不退|烧到?(?:四十|40|41)度?|高烧四十"
     r"|(?:血压|高压)\S{0,3}(?:两百|二百|2\d\d|一百[八九]|1[89]\d)|中暑|热射病|浑身滚烫|过敏\S{0,8}(?:肿|喘|嗓子)"),
    ("sugar", "medical", r"低血糖|血糖\S{0,6}(?:才|只有|就)?\s?[0-2](?:\.\d)?(?![\d.])|血糖\S{0,6}(?:hi|lo|爆表|测不出)"),
    ("poison", "medical",
     r"中毒|农药|敌敌畏|百草枯|老鼠药|耗子药|杀虫剂|吃错药|药\S{0,2}吃(?:多|重|错)了?|吃多了药"
     r"|(?:喝|吞|吃)(?:了|下)?\S{0,4}(?:洗洁精|消毒液|84|漂白|洁厕|汽油|煤油|酒精|药水|干燥剂)"
     r"|(?:吃|吞|喝)(?:了|下)?\S{0,3}(?:一把|一瓶|半瓶|小半瓶|整瓶|一大把|大把|好多|一板|一整板|整板|一盒|一瓶子)\S{0,4}(?:药|片|救心丸)"
     r"|(?:药|片|救心丸)\S{0,3}(?:都|全)吃了|(?:药|片)\S{0,3}(?:吃了|吞了)\S{0,2}(?:一把|半瓶|一瓶)|当(?:糖豆|糖|饮料|水)\S{0,2}(?:吃|喝)"
     r"|(?:吞|吃)了?\S{0,6}电池|电池\S{0,3}吞|(?:喝|吃)了?.{0,8}(?:洗衣液|洗衣粉|杀虫|除草|消毒水|消毒液)|(?:洗衣液|洗洁精|消毒水|消毒液|农药|杀虫剂|84|漂白水)\S{0,3}(?:喝|吞)了|(?:炉子|煤炉|炭火|烧炭)\S{0,12}(?:头疼|头晕|恶心|吐)|液化气\S{0,3}味"
     r"|(?:药|片)\S{0,6}(?:吃|喝)了?\S{0,2}(?:三遍|两遍|几遍|双份|好几遍|好几次|两回|三回)"
     r"|(?:打|注射)了?(?:两|三|好几)(?:回|次|遍)胰岛素|胰岛素\S{0,6}(?:打多|多打|打重|打了两|打了三|又打)"
     r"|(?:毒)?蘑菇.{0,12}(?:吐|泻|拉|晕|站不)|安眠药\S{0,8}(?:吃了|喝了|吞了)|(?:吃|吞)了\S{0,4}安眠药"),
    ("suicide", "other",
     r"不想活|想死(?!你|您|我了|了你)|不如死了|去死|自杀|轻生|寻死|寻短见|跳楼|跳河|跳江|上吊|割腕|了结自己|一了百了|活够了|死了算了"
     r"|活不下去|(?:从|往)\S{0,4}(?:楼上|楼顶|窗户|阳台)\S{0,3}跳|跳下去|喝药|不想再?拖累|活着(?:真|也|还)?没(?:意思|意义|劲|盼头)"
     r"|结束这一切|结束(?:我的|自己的)?生命|一死了之|(?:把自己)?了断|(?:从这个)?世界(?:上)?消失|撑不下去|不想再?撑|撑不住了"
     r"|不想醒|才能不醒|活着\S{0,3}(?:有啥用|有什么用|受罪|太苦|没用)|最后一条消息|再见了这个世界|下去陪|走了对谁都好"
     r"|没有我\S{0,6}(?:更好|过得好)|寿衣|准备好\S{0,2}(?:绳子|药)|药\S{0,4}(?:准备好|攒着|存了好久)"),
    ("fire", "other",
     r"着火|失火|起火|火灾|烧起来了|(?:冒|起|窜)(?:黑|浓|白)?烟|浓烟|(?:好多|很多|一屋子?)烟|烟\S{0,4}(?:呛|熏)"
     r"|冒火|火苗|(?:火|火星)\S{0,3}(?:窜|蹿|着起来|更大)|烧着了|(?:锅|油|厨房|屋里|家里|楼里|屋子)\S{0,3}着了|烟.{0,4}呛|全是烟|有烟\S{0,6}(?:出不去|看不见|下不去)|放火"),
    ("gas", "other",
     r"(?:煤气|燃气|天然气|煤汽|燃汽|瓦斯)\S{0,4}(?:泄漏|泄露|漏了|漏气|味|报警器\S{0,4}(?:叫|响))|漏气了"
     r"|漏(?:煤气|燃气|天然气|液化气)|闻到\S{0,4}(?:煤气|燃气|天然气|液化气)|(?:臭|坏)鸡[蛋旦]\S{0,2}味|报警器\S{0,4}(?:一直|直|滴滴|嘀嘀)?(?:叫|响)"
     r"|(?:气|燃气|煤气|天然气)\S{0,6}嘶嘶|嘶嘶\S{0,8}(?:味|臭)|火灭了\S{0,4}气还开着"),
    ("shock", "medical",
     r"触电|(?:被|让|叫)电\S{0,2}(?:打|击|着|电)|电(?:打|击|着)了|电了一下|过电了"
     r"|(?:插座|插线板|电线|电灯|灯|电闸|电器)\S{0,10}(?:泡水|进水|冒烟|冒火|火花|滋滋|漏电)|(?:泡|进)水\S{0,6}(?:插座|插线板|电线)|漏电"),
    ("flood", "housing",
     r"水\S{0,4}(?:淹到|淹了|漫到|漫进|到腰|到膝盖|到大腿|到胸口|没过)|山洪|洪水|泥石流|水冲进|进水\S{0,8}(?:出不来|困|老人)|被淹|被水困|发大水"),
    ("violence", "other",
     r"拿(?:着)?(?:刀|斧头|棍子)|(?:要|说要)\S{0,2}(?:砍|杀|弄死|打死)|弄死我|打死我|家暴|撬\S{0,5}(?:门|锁|窗)|踹门|砸门"
     r"|有人闯|闯进|小偷(?:在|进)|进了小偷|抢劫|被(?:人)?打(?:了|伤|破)|(?:头|脸)被打|挨打|打(?:我|老婆|媳妇|老人|孩子)\S{0,3}(?:了|得|呢)"
     r"|被困|困在电梯|电梯\S{0,4}(?:困|出不来|卡住)|掐\S{0,4}脖子|锁(?:在)?屋里|往里爬|爬进来|砸\S{0,6}(?:窗|门)|踹\S{0,6}门"
     r"|(?:喊|嚷)着?要进来|砍人|追着\S{0,3}砍|被\S{0,6}抢|抢了\S{0,4}(?:手机|钱包|钱)|挨了\S{0,2}(?:拳|脚|刀)|打我(?!电话|手机|的|一下)|打(?:他|她)?(?:老娘|老妈|亲妈|老爹|老伴|老婆|媳妇|老人|孩子)|哭喊"),
    ("lost", "other",
     r"走丢|走失|找不到(?:我)?(?:爸|妈|老人|爷爷|奶奶|老伴|外公|外婆|姥姥|姥爷)|找不到人了|人找不到了|人不见了|不见了人"
     r"|(?:出门|出去|跑出去|走出去)\S{0,12}(?:小时|钟头|半天|一天|一夜|一晚上?|一上午|一下午|到现在|天黑|天都黑|天快黑)\S{0,6}(?:还)?没(?:有)?(?:回来|回家|找着|找到)"
     r"|(?:痴呆|糊涂|失智|不认路|记不住路|阿尔茨海默)\S{0,20}(?:没回来|没找着|找不着|找不到|跑出去|不见了|跑丢|往外跑|不知道\S{0,4}哪)"
     r"|找了\S{0,6}(?:还)?没(?:找到|找着)|跑出去.{0,20}(?:[一二两三四五六七八九十几]个(?:多)?(?:小时|钟头)|天黑|一夜|半天)|到现在\S{0,3}(?:还)?没(?:回来|回家)|天(?:都|快)?黑了\S{0,3}(?:还)?没(?:回来|回家|找着)"),
    ("unseen", "other",
     r"(?:好几|几|两|三|四|五|六|七|多|这几|连着\S{0,2})天\S{0,8}?没(?:人)?(?:见|看到|看见|开门|出门|露面|动静|应|接|下楼|拉|亮|拿|收|取|冒烟|撕|声)"
     r"|(?:报纸|牛奶|奶|外卖|信|菜)\S{0,6}(?:堆了|放了)\S{0,4}(?:好几|几|两|三|四|五)天"
     r"|没(?:动静|见人|见着人|人影)\S{0,3}(?:好几|几|两|三|四|五)天|苍蝇|(?:臭味|怪味)\S{0,6}(?:好几|几|两|三)天|(?:连续|连着)\S{0,2}[两三四五六七几]天\S{0,4}(?:没|未)\S{0,2}(?:吃|进食|出门|见|下楼)"
     r"|(?:这|一个?)(?:礼拜|星期|周)\S{0,3}(?:都)?没\S{0,2}(?:见|下楼|出门|露面|动静)"
     r"|(?:好几天|几天|一直|两天|三天)\S{0,6}(?:联系不上|不接电话|没人接)"
     r"|(?:从|打)(?:前天|大前天|上周|昨天)\S{0,4}(?:起|开始)?\S{0,6}(?:没人接|不接|联系不上|打不通)"),
)

# Signs: one alone is a doubt, two different ones (or one with NOW) an emergency.
_SIGNS: tuple[tuple[str, str, str], ...] = (
    ("face", "medical",
     r"嘴(?:角|巴)?\S{0,4}(?:歪|耷拉|往下|斜|合不拢)|脸\S{0,6}(?:耷拉|歪|往下掉)|口水\S{0,4}(?:淌|流)|重影|看东西\S{0,3}(?:模糊|双)|眼都看不清"),
    ("speech", "medical",
     r"说不出话|说不了话|话\S{0,3}说不(?:出|清|利索|明白)|说话\S{0,4}(?:不清|含糊|不利索|大舌头|颠三倒四|不清楚|漏风|不对劲)"
     r"|大舌头|口齿不清|含含糊糊|吐字不清|不会说话|不吭声|话都说不出|哼哼|呜呜的|不能说话|没声音了|说话都没力气"),
    ("limb", "medical",
     r"(?:一边|半边|一侧|左|右)\S{0,3}(?:胳膊|手|腿|身子|脚|臂|膀子)\S{0,5}(?:抬不起|动不了|没劲|没力|麻|不听使唤|使不上劲|不能动)"
     r"|(?:端|拿|握|攥)不住|腿拖着|拖着(?:一条)?腿|往一边(?:倒|歪|偏)|走路\S{0,4}(?:歪|倒|打晃|不稳|偏|摇摇晃晃)|手脚\S{0,2}软|浑身没劲|站不(?:住|稳|起来)|起不来|爬不起|扶不动|动不了"),
    ("confusion", "medical",
     r"认不出(?:我|人)|不认人|说胡话|颠三倒四|神志不清|意识模糊|迷迷糊糊|糊里糊涂|叫\S{0,2}不(?:太|大)(?:醒|应)|不大应声|发蔫|软绵绵|眼前发黑|头晕眼花|昏昏沉沉|迷迷瞪瞪|胡言乱语|站起来就晕|迷糊|看见\S{0,4}(?:小人|虫子|鬼)|幻觉|发呆|精神萎靡|不知道\S{0,2}(?:家|自己)\S{0,2}(?:在哪|是谁)"),
    ("sweat", "medical", r"冷汗|虚汗|大汗|汗珠|汗\S{0,3}(?:湿透|直流|直往下|直冒)|满头(?:是)?汗|后背\S{0,3}湿透|脸\S{0,3}(?:煞白|惨白|白得|发白|蜡黄|发灰|都白了)"),
    ("pain", "medical",
     r"疼得\S{0,4}(?:要命|受不了|直哼哼|打滚|不行|厉害|不得劲)|(?:窜|蹿)到?\S{0,3}(?:后背|胳膊|膀子|肩)|疼到\S{0,2}(?:后背|胳膊|肩)"
     r"|(?:体温|发烧|烧)\S{0,3}(?:三十九|四十|39|40)|浮肿|憋气|躺不平|(?:^|我|人|他|她|快)不行了|(?:疼|痛)得\S{0,3}打滚|(?:我|快)要死了|心慌|心跳\S{0,6}(?:快|慢|乱|得厉害|三十|二十|一百五)|手抖|头疼得要炸|肚子疼得|恶心|硝酸甘油|救心丸|支架|(?:吐|泻)\S{0,4}(?:好几回|好几次|不停|一直|了好几)|一直吐|上吐下泻|高烧不退|烧到(?:四十|40|39)"),
    ("breath", "medical", r"(?:喉咙|嗓子)\S{0,3}呼噜|血氧\S{0,3}(?:八十|七十|[78]\d)|呼吸急促|喘(?:气)?\S{0,3}(?:费劲|费力|困难|急)|憋得慌|憋得\S{0,2}(?:难受|不行)|张着嘴\S{0,3}吸|呼吸\S{0,2}(?:急|弱)"),
    ("sugar_sign", "medical", r"血糖|胰岛素|糖尿病|糖块|降糖药|透析|制氧机|降压药|蜂蜇|蛰了"),
    ("cold", "living",
     r"冻伤|(?:冻|冷)\S{0,6}(?:哆嗦|发抖|冰凉|发紫|说话都|不行|受不了|僵|睡不着|发麻)|浑身哆嗦|手脚冰凉|手冰凉|浑身冰凉|一个劲发抖|喊冷|热(?:晕|得\S{0,4}(?:晕|不行|喘))"),
    ("cold_env", "living", r"冰窖|结冰|零下|停暖|没暖|断电|停电|四十度的天|高温|没暖气"),
    ("frail_alone", "other",
     r"一个人(?:在家|住)|独居|孤老|就(?:他|她|我)一个人|家里就(?:他|她|我)|瘫(?:在床|痪)|卧床|没人(?:在家|管)|出不来|出不去|下不去|我在外地|回不去"
     r"|轮椅|耳背|腿脚不好|[七八九]十(?:多)?岁|[七八九]十多了|老人还在屋里|还在屋里"),
    ("farewell", "other",
     r"对不起|别找我|不用惦记|以后好好过|好好过日子|照顾好(?:自己|我的)|永别|最后(?:一|跟你们)|后事|存折\S{0,6}(?:放|在)|这辈子(?:就这样|够了|也算)|(?:今晚|今天)就走"
     r"|送人了|全送人|交代|活着\S{0,2}(?:累|没意思|苦)|就这样吧|不等了|爱(?:她|他|你们)|说一声|谢谢你们\S{0,6}(?:照顾|陪)|不劳烦|不用来看|钥匙\S{0,6}(?:交给|放)"
     r"|去找\S{0,3}(?:老伴|他|她)|想明白了|不想回家|钱\S{0,6}留着|说再见|这辈子值了|别惦记|用不着了|谢谢(?:你们)?这些年|放了|送人"),
    ("burden", "other", r"拖累|累赘|连累|没用的人|活着干嘛|不想活|解脱|受罪|治不好|花光了|撑不|没盼头"),
    ("means", "other", r"手(?:上|里)(?:有|拿着)\S{0,2}刀|一把药|药\S{0,3}(?:攒|存)|安眠药|绳子|楼顶|天台|刀片|手上有刀|(?:河|江)边|河堤|水挺深|汽油|打火机|农药"),
    ("no_answer", "other",
     r"(?:敲|喊|叫|拍)\S{0,6}(?:也|都)?(?:没|不)(?:人)?(?:动静|开|答应|应|回应|理)|门敲不开|无应答|未拉开|未见|没拿进去|没人拿|堆成堆|电话\S{0,4}(?:没人接|打不通|关机|不接)|(?:打不通|没回消息|不回消息)"
     r"|关机了|灯\S{0,6}(?:没亮|一直亮)|怪味|没声没响|半天没动静|平(?:时|常)\S{0,8}(?:不这样|天天|都在)|以前从来不这样"),
    ("hazard", "other", r"烟|火|煤气|燃气|电线|插座|漏水|进水|水管爆|淹|焦味|糊味|嘶嘶|塌|裂\S{0,3}缝|掉土|泥\S{0,3}冲|山上\S{0,3}(?:泥|石)|停电|断电|没电"),
    ("threat", "other", r"害怕|吓(?:死|得)|躲在|躲进|打老婆|打人|骂|喝醉|砸东西|撬|转悠|往屋里照|跟踪|堵在门口|偷偷发"),
    ("dementia", "other", r"痴呆|糊涂了|失智|阿尔茨海默|不认路|记不住路|说不清\S{0,3}家|问他家在哪|不知道\S{0,2}(?:家|自己)"),
    ("not_back", "other",
     r"(?:还|都)?没(?:回来|回家|找到|找着)|人没了|人不见了|门开着|不知道\S{0,4}(?:去|跑|坐|走)\S{0,2}哪|往外跑|跑出去|[一二两三四五六七八九十几]个(?:多)?(?:小时|钟头)了|一夜没|摇摇晃晃|只穿|穿着睡衣|拖鞋"),
)
# Generic alarms: an emergency with no stated category.
_GENERIC = (
    r"救命(?!稻草|恩人|之恩|钱)|快来人|快来救|救救我|救我|救人|快叫救护车|叫救护车|(?:打|叫)\S{0,3}(?:120|110|119)"
    r"|(?:120|110|119)\S{0,4}(?:叫|打)|报警"
)

_NEGATED_BEFORE = frozenset("没不别未怕防免")
# Time and mood. NOW: something is happening as the message is written.
_NOW_RE = re.compile(
    r"刚(?!好|从|搬|来|到)(?:才|刚|起|一)?|突然|一下子|正在|这会儿?|马上|赶紧|快来|快点|还在|救命|(?:快|要)不行了|动不了|起不来|站不起来"
    r"|爬不起|止不住|喘不上|叫不醒|一直(?:流|吐|抽|喘|冒|拍|喊|在流|在吐)|直(?:流|冒|哼)|现在(?=\S{0,3}(?:人|他|她|我)?\S{0,2}(?:在|躺|叫|吐|流|喘|抽|疼|晕|昏))"
)
# PAST: the sign belongs to an earlier time (read in the sign's own clause).
_PAST_RE = re.compile(
    r"上个?月|去年|前年|上个?(?:礼拜|星期|周)|上上|上回|上次|以前|那会儿|那次|当时|那天|之前|前阵子|前些天|前些日子|前几天"
    r"|那年|小时候|过一回|过一次|过[两三几]次|过两回|老毛病|多年|[一二两三四五六七八九十几\d]年(?:前|了)"
    r"|前(?:几|两|三|些)年|(?:梗|摔|晕|倒|风|犯|中毒)过(?!去|来)|(?:天|月|年|节|旦|周|拜)前|经常|老是|总是|每次|常常|(?<!一)动不动|一直有"
)
# ONGOING: a medical condition lived with, not an event now (clause or the next one).
_ONGOING_RE = re.compile(
    r"好几天了|几个月|半年|这阵子|这几天|这些天|这段时间|一直躺|卧床|石膏|康复|拆了|不方便|出不了门|下不了楼|行动不便|干不了活|养着|后遗症|复查|恢复"
)
# SETTLED: it is over (clause or the next one).
_SETTLED_RE = re.compile(
    r"现在好了|已经好了|好多了|没事了|没啥事|没什么事|没大碍|不严重|抢救过来|救过来|出院|找着了|找到了|找回来了"
    r"|修好了|不疼了|缓过来|(?:来看过|检查过|看过)了?\S{0,6}没事|(?:倒|人|都)没事|没出事|扑灭|灭火了|处理好了|处理完|送医院了|送到医院|在医院|住院|住几天"
    r"|自己爬起来|消防来了|已经到了|原来|还以为|康复了|医生说"
)
# Said to be fine, which a "now" cue overrides (当时没事 现在说话颠三倒四); 说没事 is a claim.
_SETTLED_WEAK_RE = re.compile(r"(?<!说)没事(?!吧|吗|么|儿吧)|没大事|破了?点皮")
# HYPOTHETICAL: a worry, a plan, news about others, a lesson (anywhere in the message).
_HYPOTHETICAL_RE = re.compile(
    r"万一|(?<!恐)怕(?!是)\S{0,4}(?:摔|着火|出事|噎|走丢|触电|中毒)|预防|防(?:止|范|摔|火|走失|诈|滑)|如果|要是|假如|以防|差点|差一点|险些"
    r"|讲座|培训|演练|知识|课程|上课|宣传|学(?:习)?\S{0,4}急救|怎么(?:预防|防)|报警器\S{0,10}(?:没电|电池|老是|误报|装)"
    r"|装\S{0,6}(?:报警器|扶手|呼叫器|手环)|打不着火|点不着火|着火点|防走失|听说|新闻|注意啥|要注意|跟你说说|隔壁市|做梦|梦见|梦到|电视(?:里|上)|防\S{0,4}(?:中毒|煤气)|(?:120|110|119|报警|救护车)\S{0,6}(?:要钱|收费|多少钱|电话是|号码|怎么打|报销|费用)|笑死|哈哈|😂|🤣|这题|太难了|(?:那个|那首|的)(?:歌|电视剧|电影|节目|小说)|电视剧|球赛|比赛|游戏"
)


@dataclass(frozen=True)
class Danger:
    """How strongly a message signals danger now, and what kind."""

    score: float  # 0–1
    category: str | None  # medical / other / living / housing; "" = generic alarm; None = nothing
    acute: bool = False  # a now / suddenly cue is present
    discounted: bool = False  # placed in the past, resolved, hypothetical or preventive

    @property
    def emergency(self) -> bool:
        return self.score >= EMERGENCY


NONE = Danger(0.0, None)
_Table = tuple[tuple[str, str, re.Pattern[str], frozenset[str] | None], ...]


def _compile(table: tuple[tuple[str, str, str], ...]) -> _Table:
    return tuple((name, cat, re.compile(p), first_chars(p)) for name, cat, p in table)


_STRONG_RES = _compile(_STRONG)
_SIGN_RES = _compile(_SIGNS)
_REPEATABLE = tuple(re.compile(p) for name, _, p in _SIGNS if name in ("farewell", "no_answer"))
_GENERIC_RE = re.compile(_GENERIC)
# Signs about the setting, not the body: they count only with a body sign or in a PAIR.
_CONTEXT_SIGNS = frozenset({
    "frail_alone", "no_answer", "hazard", "threat", "means", "sugar_sign", "cold_env", "dementia",
    "not_back", "farewell", "burden",
})
# Two setting signs that together are a danger now.
_PAIRS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"dementia", "not_back"}), "other"),  # a person with dementia not back
    (frozenset({"cold_env", "frail_alone"}), "living"),  # a frail person alone in the cold
    (frozenset({"hazard", "frail_alone"}), "other"),  # smoke, water, a crack and someone who cannot leave
    (frozenset({"threat", "frail_alone"}), "other"),
    (frozenset({"no_answer", "frail_alone"}), "other"),  # someone alone who does not answer
    (frozenset({"farewell", "burden"}), "other"),  # veiled suicidal talk
    (frozenset({"farewell", "means"}), "other"),
    (frozenset({"burden", "means"}), "other"),
    (frozenset({"farewell", "no_answer"}), "other"),
    (frozenset({"no_answer", "not_back"}), "other"),
)
# Signs that alone make the bot ask.
_ASKING_SIGNS = frozenset({"farewell", "burden", "no_answer", "threat", "means"})


def _hits(text: str, chars: frozenset[str], table: _Table) -> list[tuple[int, str, str]]:
    out = []
    for name, cat, pattern, gate in table:
        if gate is not None and gate.isdisjoint(chars):
            continue
        for m in pattern.finditer(text):
            start = m.start()
            if start and text[start - 1] in _NEGATED_BEFORE and m.group(0)[0] not in _NEGATED_BEFORE:
                continue  # 没摔倒, 不疼, 防走失
            out.append((start, name, cat))
            break
    return out


def assess(text: str) -> Danger:
    """Return the danger a normalized message signals now."""
    if not text:
        return NONE
    chars = frozenset(text)
    strong = _hits(text, chars, _STRONG_RES)
    signs = _hits(text, chars, _SIGN_RES)
    generic = _GENERIC_RE.search(text)
    if not strong and not signs and generic is None:
        return NONE
    clauses = _clauses(text)
    hypothetical = _HYPOTHETICAL_RE.search(text) is not None
    candidates: list[tuple[float, str, int]] = []  # (score before time, category, position)
    for start, _, cat in strong:
        candidates.append((1.0, cat, start))
    body = [s for s in signs if s[1] not in _CONTEXT_SIGNS]
    kinds = {s[1] for s in signs}
    pair = next((cat for need, cat in _PAIRS if need <= kinds), None)
    first = min(signs)[0] if signs else 0
    if pair is None and any(len({m.group(0) for m in r.finditer(text)}) >= 2 for r in _REPEATABLE):
        # Several farewells (送人了 … 谢谢这些年) are veiled suicidal talk; several signs
        # of no answer (敲门没人开 … 电话也不接) a person who may be lying inside.
        pair = "other"
    if len({b[1] for b in body}) >= 2:
        candidates.append((0.85, min(body)[2], min(body)[0]))
    elif body and len(kinds) >= 2:
        acute = _NOW_RE.search(text) is not None
        candidates.append((0.75 if acute else 0.6, min(body)[2], min(body)[0]))
    elif pair is not None:
        candidates.append((0.85, pair, first))
    elif body:
        candidates.append((0.75 if _NOW_RE.search(text) else SIGN_ALONE, body[0][2], body[0][0]))
    elif kinds & _ASKING_SIGNS:
        candidates.append((SIGN_ALONE, signs[0][2], first))
    elif signs:
        # A setting sign alone (a hazard word, a means); being alone or frail by itself is less.
        candidates.append((0.2 if kinds - {"frail_alone"} else 0.15, signs[0][2], first))
    if generic is not None:
        candidates.append((0.9, "", generic.start()))
    best = NONE
    for score, cat, start in sorted(candidates, key=lambda c: c[2]):  # the earliest cue names the kind
        factor = SETTLED_FACTOR if hypothetical else _time_factor(text, clauses, start, cat)
        found = Danger(round(score * factor, 3), cat, _NOW_RE.search(text) is not None, factor < 1.0)
        if found.score > best.score or (found.score == best.score and best.category == ""):
            best = found
    return best


def _clauses(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each space-separated clause."""
    out, pos = [], 0
    for part in text.split(" "):
        out.append((pos, pos + len(part)))
        pos += len(part) + 1
    return out


def _time_factor(text: str, clauses: list[tuple[int, int]], start: int, category: str) -> float:
    """Discount a cue at `start` that its own clause (or the next) places in the past or settles."""
    index = next((i for i, (a, b) in enumerate(clauses) if a <= start <= b), 0)
    own = text[clauses[index][0] : clauses[index][1]]
    nxt = text[clauses[index + 1][0] : clauses[index + 1][1]] if index + 1 < len(clauses) else ""
    if _SETTLED_RE.search(own) or _SETTLED_RE.search(nxt):
        return SETTLED_FACTOR
    if not _NOW_RE.search(text) and (_SETTLED_WEAK_RE.search(own) or _SETTLED_WEAK_RE.search(nxt)):
        return SETTLED_FACTOR  # 没事 / 破了点皮, unless something is happening now
    if _NOW_RE.search(own):
        return 1.0
    if _PAST_RE.search(own):
        return PAST_FACTOR
    if category == "medical" and (_ONGOING_RE.search(own) or _ONGOING_RE.search(nxt)):
        return PAST_FACTOR
    return 1.0


# Hyperbole (想死你们了, 笑死我了, 热死了): the model alone must not hear danger in it.
_HYPERBOLE_RE = re.compile(r"想死(?:你|您)|(?:笑|乐|热|冷|饿|累|困|烦|愁|急|气|疼|闷|吓|渴|忙|挤|齁)死(?:我|人)?了")


def hyperbole(text: str) -> bool:
    """True for 想死你们了 / 热死了: words of death that mean "very"."""
    return _HYPERBOLE_RE.search(text) is not None


def time_discounted(text: str) -> bool:
    """True when the message places things in the past, settles or imagines them, and nothing is happening now."""
    if _NOW_RE.search(text):
        return False
    return any(r.search(text) for r in (_SETTLED_RE, _HYPOTHETICAL_RE, _PAST_RE))


def emergency_category(text: str) -> str | None:
    """Return the category of an emergency (`medical`, `other`, …; "" for 救命 alone), or None."""
    found = assess(text)
    return found.category if found.emergency else None
