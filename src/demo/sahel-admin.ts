/**
 * Admin1 and admin2 names and P-codes of Burkina Faso, Mali and Niger as published in OCHA's
 * global P-code gazetteer (public facts; the dates are the gazetteer's validity dates).
 * Shape: ISO3 → { validFrom, admin1: [pcode, name, [[admin2 pcode, name], …]] }.
 */
export const SAHEL_ADMIN: Record<string, { validFrom: string; admin1: Array<[string, string, Array<[string, string]>]> }> = 
{
  "BFA": {"validFrom": "2020-03-23", "admin1": [
    ["BF13", "Centre", [["BF1300", "Kadiogo"]]],
    ["BF46", "Boucle du Mouhoun", [["BF4601", "Bale"], ["BF4602", "Banwa"], ["BF4603", "Kossi"], ["BF4604", "Mouhoun"], ["BF4605", "Nayala"], ["BF4606", "Sourou"]]],
    ["BF47", "Cascades", [["BF4701", "Comoe"], ["BF4702", "Leraba"]]],
    ["BF48", "Centre-Est", [["BF4801", "Boulgou"], ["BF4802", "Koulpelogo"], ["BF4803", "Kourittenga"]]],
    ["BF49", "Centre-Nord", [["BF4901", "Bam"], ["BF4902", "Namentenga"], ["BF4903", "Sanmatenga"]]],
    ["BF50", "Centre-Ouest", [["BF5001", "Boulkiemde"], ["BF5002", "Sanguie"], ["BF5003", "Sissili"], ["BF5004", "Ziro"]]],
    ["BF51", "Centre-Sud", [["BF5101", "Bazega"], ["BF5102", "Nahouri"], ["BF5103", "Zoundweogo"]]],
    ["BF52", "Est", [["BF5201", "Gnagna"], ["BF5202", "Gourma"], ["BF5203", "Komandjari"], ["BF5204", "Kompienga"], ["BF5205", "Tapoa"]]],
    ["BF53", "Hauts-Bassins", [["BF5301", "Houet"], ["BF5302", "Kenedougou"], ["BF5303", "Tuy"]]],
    ["BF54", "Nord", [["BF5401", "Loroum"], ["BF5402", "Passore"], ["BF5403", "Yatenga"], ["BF5404", "Zondoma"]]],
    ["BF55", "Plateau-Central", [["BF5501", "Ganzourgou"], ["BF5502", "Kourweogo"], ["BF5503", "Oubritenga"]]],
    ["BF56", "Sahel", [["BF5601", "Oudalan"], ["BF5602", "Seno"], ["BF5603", "Soum"], ["BF5604", "Yagha"]]],
    ["BF57", "Sud-Ouest", [["BF5701", "Bougouriba"], ["BF5702", "Ioba"], ["BF5703", "Noumbiel"], ["BF5704", "Poni"]]]
  ]},
  "MLI": {"validFrom": "2021-12-20", "admin1": [
    ["ML01", "Kayes", [["ML0101", "Bafoulabe"], ["ML0102", "Diema"], ["ML0103", "Kayes"], ["ML0104", "Kenieba"], ["ML0105", "Kita"], ["ML0106", "Nioro"], ["ML0107", "Yelimane"]]],
    ["ML02", "Koulikoro", [["ML0201", "Banamba"], ["ML0202", "Dioila"], ["ML0203", "Kangaba"], ["ML0204", "Kati"], ["ML0205", "Kolokani"], ["ML0206", "Koulikoro"], ["ML0207", "Nara"]]],
    ["ML03", "Sikasso", [["ML0301", "Bougouni"], ["ML0302", "Kadiolo"], ["ML0303", "Kolondieba"], ["ML0304", "Koutiala"], ["ML0305", "Sikasso"], ["ML0306", "Yanfolila"], ["ML0307", "Yorosso"]]],
    ["ML04", "Segou", [["ML0401", "Baraoueli"], ["ML0402", "Bla"], ["ML0403", "Macina"], ["ML0404", "Niono"], ["ML0405", "San"], ["ML0406", "Segou"], ["ML0407", "Tominian"]]],
    ["ML05", "Mopti", [["ML0501", "Bandiagara"], ["ML0502", "Bankass"], ["ML0503", "Djenne"], ["ML0504", "Douentza"], ["ML0505", "Koro"], ["ML0506", "Mopti"], ["ML0507", "Tenenkou"], ["ML0508", "Youwarou"]]],
    ["ML06", "Tombouctou", [["ML0601", "Dire"], ["ML0602", "Goundam"], ["ML0603", "Gourma-Rharous"], ["ML0604", "Niafunke"], ["ML0605", "Tombouctou"]]],
    ["ML07", "Gao", [["ML0701", "Ansongo"], ["ML0702", "Bourem"], ["ML0703", "Gao"]]],
    ["ML08", "Kidal", [["ML0801", "Abeibara"], ["ML0802", "Kidal"], ["ML0803", "Tessalit"], ["ML0804", "Tin-Essako"]]],
    ["ML09", "Bamako", [["ML0901", "Bamako"]]],
    ["ML10", "Menaka", [["ML1001", "Menaka"], ["ML1002", "Anderamboukane"], ["ML1003", "Inekar"], ["ML1004", "Tidermene"]]]
  ]},
  "NER": {"validFrom": "2023-07-25", "admin1": [
    ["NE001", "Agadez", [["NE001001", "Aderbissinat"], ["NE001002", "Arlit"], ["NE001003", "Bilma"], ["NE001004", "Iferouane"], ["NE001005", "Ingall"], ["NE001006", "Tchirozerine"]]],
    ["NE002", "Diffa", [["NE002001", "Bosso"], ["NE002002", "Diffa"], ["NE002003", "Goudoumaria"], ["NE002004", "Maine Soroa"], ["NE002005", "N'Gourti"], ["NE002006", "N'Guigmi"]]],
    ["NE003", "Dosso", [["NE003001", "Boboye"], ["NE003002", "Dioundiou"], ["NE003003", "Dogondoutchi"], ["NE003004", "Dosso"], ["NE003005", "Falmey"], ["NE003006", "Gaya"], ["NE003007", "Loga"], ["NE003008", "Tibiri"]]],
    ["NE004", "Maradi", [["NE004001", "Aguie"], ["NE004002", "Bermo"], ["NE004003", "Dakoro"], ["NE004004", "Gazaoua"], ["NE004005", "Guidan Roumdji"], ["NE004006", "Madarounfa"], ["NE004007", "Ville de Maradi"], ["NE004008", "Mayahi"], ["NE004009", "Tessaoua"]]],
    ["NE005", "Tahoua", [["NE005001", "Abalak"], ["NE005002", "Bagaroua"], ["NE005003", "Birni N'Konni"], ["NE005004", "Bouza"], ["NE005005", "Illela"], ["NE005006", "Keita"], ["NE005007", "Madaoua"], ["NE005008", "Malbaza"], ["NE005009", "Tahoua"], ["NE005010", "Tassara"], ["NE005011", "Tchintabaraden"], ["NE005012", "Tillia"], ["NE005013", "Ville de Tahoua"]]],
    ["NE006", "Tillaberi", [["NE006001", "Abala"], ["NE006002", "Ayerou"], ["NE006003", "Balleyara"], ["NE006004", "Banibangou"], ["NE006005", "Bankilare"], ["NE006006", "Filingue"], ["NE006007", "Gotheye"], ["NE006008", "Kollo"], ["NE006009", "Ouallam"], ["NE006010", "Say"], ["NE006011", "Tera"], ["NE006012", "Tillaberi"], ["NE006013", "Torodi"]]],
    ["NE007", "Zinder", [["NE007001", "Belbedji"], ["NE007002", "Damagaram Takaya"], ["NE007003", "Dungass"], ["NE007004", "Goure"], ["NE007005", "Kantche"], ["NE007006", "Magaria"], ["NE007007", "Mirriah"], ["NE007008", "Takeita"], ["NE007009", "Tanout"], ["NE007010", "Tesker"], ["NE007011", "Ville de Zinder"]]],
    ["NE008", "Niamey", [["NE008001", "Ville de Niamey"]]]
  ]}
};
