"""Clear Turkish cases per skill, written for the behavioural tests only (never in any training file).

Each case: (skill, expected label, customer line, agent reply). The test also runs every case with Turkish
letters folded to ASCII, as customers and agents type on phones.
"""

CASES: list[tuple[str, int, str, str]] = [
    # respect
    (
        "respect",
        1,
        "Faturamda anlamadığım bir kalem var.",
        "Sorunuzu ilettiğiniz için çok teşekkür ederim Nurcan Hanım, izninizle faturanızı birlikte inceleyelim.",
    ),
    (
        "respect",
        1,
        "Sizi üçüncü kez arıyorum.",
        "Tekrar aramak zorunda kaldığınız için şirketimiz adına özür dilerim efendim, haklısınız.",
    ),
    (
        "respect",
        1,
        "Merhaba, bir sorum olacaktı.",
        "Buyurun Selim Bey, sizi dinliyorum, vakit ayırdığınız için teşekkür ederim.",
    ),
    ("respect", -1, "Faturamda anlamadığım bir kalem var.", "Bak kardeşim, faturayı okumayı bilsen bunu sormazdın."),
    ("respect", -1, "Kargom hâlâ gelmedi.", "Sen de her gün arayıp duruyorsun abla, bekleyeceksin işte."),
    (
        "respect",
        -1,
        "Şifremi unuttum, giremiyorum.",
        "Şifresini unutan müşterilerle uğraşmaktan bıktık açıkçası, sizin hatanız bu.",
    ),
    # patience
    (
        "patience",
        1,
        "Pardon, son söylediğinizi anlayamadım.",
        "Hiç sorun değil, acele etmeyin; isterseniz adım adım baştan birlikte yapalım.",
    ),
    (
        "patience",
        1,
        "Ben bu uygulamaları pek bilmem, kusura bakmayın.",
        "Estağfurullah, zamanımız var; her adımda bekleyeceğim, anlamadığınız yeri tekrar anlatırım.",
    ),
    ("patience", 1, "Bir dakika, gözlüğümü alayım.", "Tabii, rahatça alın, ben hattayım, sizi bekliyorum."),
    ("patience", -1, "Pardon, son söylediğinizi anlayamadım.", "Az önce söyledim, kaç kere anlatacağım aynı şeyi?"),
    (
        "patience",
        -1,
        "Şey, nasıl anlatsam, geçen ay bir ödeme yapmıştım ama...",
        "Kısa kesin lütfen, sırada bekleyen çok müşteri var.",
    ),
    (
        "patience",
        -1,
        "Tekrar sorabilir miyim, hangi menüye girecektim?",
        "Üçüncü kez soruyorsunuz, dikkatli dinleseydiniz anlardınız, çabuk olalım.",
    ),
    # empathy
    (
        "empathy",
        1,
        "Annem hastanede yatıyor, randevuyu kaçırırsak çok kötü olur, çok korkuyorum.",
        "Çok geçmiş olsun, ne kadar endişeli olduğunuzu anlıyorum; randevunuzu güvenceye almak için hemen bakıyorum.",
    ),
    (
        "empathy",
        1,
        "Babamı geçen hafta kaybettim, hattını kapatmam gerekiyor.",
        "Başınız sağ olsun, böyle bir dönemde bununla uğraşmak zorunda kalmanız gerçekten çok zor.",
    ),
    (
        "empathy",
        1,
        "Düğünümüz cumartesi ve gelinliğim hâlâ kargoda, sinirden ağlayacağım.",
        "Böyle özel bir günün öncesinde bunu yaşamanız gerçekten çok üzücü, sizi çok iyi anlıyorum.",
    ),
    (
        "empathy",
        -1,
        "Annem hastanede yatıyor, randevuyu kaçırırsak çok kötü olur, çok korkuyorum.",
        "Bu kadar büyütmenize gerek yok, herkesin başına geliyor böyle şeyler.",
    ),
    (
        "empathy",
        -1,
        "Düğünümüz cumartesi ve gelinliğim hâlâ kargoda, sinirden ağlayacağım.",
        "Abartıyorsunuz bence, sadece bir elbise sonuçta.",
    ),
    (
        "empathy",
        -1,
        "İşimi kaybettim, bu ay faturayı ödeyemeyeceğim, çok zor durumdayım.",
        "Durumunuz bizi ilgilendirmiyor, son ödeme tarihi belli.",
    ),
    # active listening
    (
        "active_listening",
        1,
        "Sipariş numaram KT-7731, ayakkabı yerine çanta gönderilmiş.",
        "KT-7731 numaralı siparişinizde ayakkabı yerine çanta gelmiş, doğru anladım mı?",
    ),
    (
        "active_listening",
        1,
        "İnternetim üç gündür akşamları kesiliyor, gündüz sorun yok.",
        "Yani bağlantınız yalnızca akşam saatlerinde, son üç gündür kopuyor; gündüz bir sorun yaşamıyorsunuz, değil mi?",
    ),
    (
        "active_listening",
        1,
        "Kiraladığım araç Bolu'da yolda kaldı, motor ışığı yandı.",
        "Bolu'da yolda kaldığınızı ve motor arıza ışığının yandığını not ettim; size en yakın yol yardımını yönlendiriyorum.",
    ),
    (
        "active_listening",
        -1,
        "Sipariş numaram KT-7731, ayakkabı yerine çanta gönderilmiş.",
        "Sipariş numaranızı alabilir miyim?",
    ),
    (
        "active_listening",
        -1,
        "İnternetim üç gündür akşamları kesiliyor, gündüz sorun yok.",
        "Fatura adresinizi güncellemek ister misiniz? Yeni kampanyalarımız da var.",
    ),
    (
        "active_listening",
        -1,
        "Kiraladığım araç Bolu'da yolda kaldı, motor ışığı yandı.",
        "Aracınız şu anda nerede ve sorun nedir, anlatır mısınız?",
    ),
    # positive tone
    (
        "positive_tone",
        1,
        "O tarihte oda var mı?",
        "Maalesef o tarihte deniz manzaralı odamız dolu, ama aynı fiyata bahçe manzaralı bir odayı hemen ayırabilirim.",
    ),
    (
        "positive_tone",
        1,
        "Kartım neden bloke oldu?",
        "Hemen çözelim; kimliğinizi doğruladıktan sonra blokeyi birkaç dakikada kaldırabilirim.",
    ),
    (
        "positive_tone",
        1,
        "İadem ne zaman yatar?",
        "Memnuniyetle kontrol ediyorum; iadeniz onaylanmış, en geç yarın hesabınızda olacak.",
    ),
    ("positive_tone", -1, "O tarihte oda var mı?", "Yok. Yapacak bir şey yok."),
    ("positive_tone", -1, "Kartım neden bloke oldu?", "Mümkün değil, bu konuda size yardımcı olamam, olmaz."),
    (
        "positive_tone",
        -1,
        "İadem ne zaman yatar?",
        "Açıkçası hiç umutlu değilim, muhasebe işi yine yavaştır, bekleyin görün.",
    ),
]
