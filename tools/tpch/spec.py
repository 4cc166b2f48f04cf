"""Facts from the TPC-H specification (v3.0.1) that the generator and the checks share.

Clause numbers refer to the TPC Benchmark H Standard Specification, Revision 3.0.1:
4.2.2.12 (dates), 4.2.2.13 (the lists of strings), 4.2.2.14 (the pseudo-text grammar),
4.2.3 (the tables' rows: cardinalities, value ranges and formulas), 4.2.5 (scale factors).
"""

from __future__ import annotations

import datetime as dt

# 4.2.2.12: all dates are computed from these values.
STARTDATE = dt.date(1992, 1, 1)
CURRENTDATE = dt.date(1995, 6, 17)
ENDDATE = dt.date(1998, 12, 31)
# 4.2.3: O_ORDERDATE is uniform in [STARTDATE, ENDDATE - 151 days].
LAST_ORDERDATE = ENDDATE - dt.timedelta(days=151)


def day_number(day: dt.date) -> int:
    """Days since STARTDATE, the generator's integer representation of a date."""
    return (day - STARTDATE).days


# 4.2.3: rows per table at scale factor 1 (region and nation are fixed).
BASE_ROWS = {
    "supplier": 10_000,
    "customer": 150_000,
    "part": 200_000,
    "orders": 1_500_000,
}
SUPPLIERS_PER_PART = 4
MAX_LINES_PER_ORDER = 7
CLERKS_PER_SF = 1_000

# 4.2.3: the column names of each table, in the specification's order (lower case).
COLUMNS = {
    "region": ["r_regionkey", "r_name", "r_comment"],
    "nation": ["n_nationkey", "n_name", "n_regionkey", "n_comment"],
    "supplier": ["s_suppkey", "s_name", "s_address", "s_nationkey", "s_phone", "s_acctbal",
                 "s_comment"],
    "customer": ["c_custkey", "c_name", "c_address", "c_nationkey", "c_phone", "c_acctbal",
                 "c_mktsegment", "c_comment"],
    "part": ["p_partkey", "p_name", "p_mfgr", "p_brand", "p_type", "p_size", "p_container",
             "p_retailprice", "p_comment"],
    "partsupp": ["ps_partkey", "ps_suppkey", "ps_availqty", "ps_supplycost", "ps_comment"],
    "orders": ["o_orderkey", "o_custkey", "o_orderstatus", "o_totalprice", "o_orderdate",
               "o_orderpriority", "o_clerk", "o_shippriority", "o_comment"],
    "lineitem": ["l_orderkey", "l_partkey", "l_suppkey", "l_linenumber", "l_quantity",
                 "l_extendedprice", "l_discount", "l_tax", "l_returnflag", "l_linestatus",
                 "l_shipdate", "l_commitdate", "l_receiptdate", "l_shipinstruct", "l_shipmode",
                 "l_comment"],
}
TABLES = list(COLUMNS)

# 4.2.3: REGION and NATION rows, exactly.
REGIONS = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]
NATIONS = [  # (N_NATIONKEY is the index, N_NAME, N_REGIONKEY)
    ("ALGERIA", 0), ("ARGENTINA", 1), ("BRAZIL", 1), ("CANADA", 1), ("EGYPT", 4),
    ("ETHIOPIA", 0), ("FRANCE", 3), ("GERMANY", 3), ("INDIA", 2), ("INDONESIA", 2),
    ("IRAN", 4), ("IRAQ", 4), ("JAPAN", 2), ("JORDAN", 4), ("KENYA", 0),
    ("MOROCCO", 0), ("MOZAMBIQUE", 0), ("PERU", 1), ("CHINA", 2), ("ROMANIA", 3),
    ("SAUDI ARABIA", 4), ("VIETNAM", 2), ("RUSSIA", 3), ("UNITED KINGDOM", 3),
    ("UNITED STATES", 1),
]

# 4.2.2.13: the lists of strings.
TYPE_SYLLABLES = (
    ["STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"],
    ["ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"],
    ["TIN", "NICKEL", "BRASS", "STEEL", "COPPER"],
)
CONTAINER_SYLLABLES = (
    ["SM", "LG", "MED", "JUMBO", "WRAP"],
    ["CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"],
)
SEGMENTS = ["AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"]
PRIORITIES = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"]
INSTRUCTIONS = ["DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"]
MODES = ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"]
# 4.2.3, P_NAME: five distinct words of this list.
COLORS = [
    "almond", "antique", "aquamarine", "azure", "beige", "bisque", "black", "blanched",
    "blue", "blush", "brown", "burlywood", "burnished", "chartreuse", "chiffon", "chocolate",
    "coral", "cornflower", "cornsilk", "cream", "cyan", "dark", "deep", "dim", "dodger",
    "drab", "firebrick", "floral", "forest", "frosted", "gainsboro", "ghost", "goldenrod",
    "green", "grey", "honeydew", "hot", "indian", "ivory", "khaki", "lace", "lavender",
    "lawn", "lemon", "light", "lime", "linen", "magenta", "maroon", "medium", "metallic",
    "midnight", "mint", "misty", "moccasin", "navajo", "navy", "olive", "orange", "orchid",
    "pale", "papaya", "peach", "peru", "pink", "plum", "powder", "puff", "purple", "red",
    "rose", "rosy", "royal", "saddle", "salmon", "sandy", "seashell", "sienna", "sky",
    "slate", "smoke", "snow", "spring", "steel", "tan", "thistle", "tomato", "turquoise",
    "violet", "wheat", "white", "yellow",
]

# 4.2.2.14: the words of the pseudo-text grammar. Q13's words (2.4.13.3: WORD1 among special,
# pending, unusual, express; WORD2 among packages, requests, accounts, deposits) are part of the
# adjectives and nouns, so that comments can match Q13's '%WORD1%WORD2%'.
NOUNS = [
    "packages", "requests", "accounts", "deposits", "foxes", "ideas", "theodolites",
    "pinto beans", "instructions", "dependencies", "excuses", "platelets", "asymptotes",
    "courts", "dolphins", "multipliers", "sauternes", "warthogs", "frets", "dinos",
    "attainments", "somas", "Tiresias", "patterns", "forges", "braids", "hockey players",
    "frays", "warhorses", "dugouts", "notornis", "epitaphs", "pearls", "tithes", "waters",
    "orbits", "gifts", "sheaves", "depths", "sentiments", "decoys", "realms", "pains",
    "grouches", "escapades",
]
VERBS = [
    "sleep", "wake", "are", "cajole", "haggle", "nag", "use", "boost", "affix", "detect",
    "integrate", "maintain", "nod", "was", "lose", "sublate", "solve", "thrash", "promise",
    "engage", "hinder", "print", "x-ray", "breach", "eat", "grow", "impress", "mold", "poach",
    "serve", "run", "dazzle", "snooze", "doze", "unwind", "kindle", "play", "hang", "believe",
    "doubt",
]
ADJECTIVES = [
    "special", "pending", "unusual", "express", "furious", "sly", "careful", "blithe",
    "quick", "fluffy", "slow", "quiet", "ruthless", "thin", "close", "dogged", "daring",
    "brave", "stealthy", "permanent", "enticing", "idle", "busy", "regular", "final",
    "ironic", "even", "bold", "silent",
]
ADVERBS = [
    "sometimes", "always", "never", "furiously", "slyly", "carefully", "blithely", "quickly",
    "fluffily", "slowly", "quietly", "ruthlessly", "thinly", "closely", "doggedly",
    "daringly", "bravely", "stealthily", "permanently", "enticingly", "idly", "busily",
    "regularly", "finally", "ironically", "evenly", "boldly", "silently",
]
PREPOSITIONS = [
    "about", "above", "according to", "across", "after", "against", "along",
    "alongside of", "among", "around", "at", "atop", "before", "behind", "beneath", "beside",
    "besides", "between", "beyond", "by", "despite", "during", "except", "for", "from",
    "in place of", "inside", "instead of", "into", "near", "of", "on", "outside", "over",
    "past", "since", "through", "throughout", "to", "toward", "under", "until", "up", "upon",
    "without", "with", "within",
]
AUXILIARIES = [
    "do", "may", "might", "shall", "will", "would", "can", "could", "should", "ought to",
    "must", "will have to", "shall have to", "could have to", "should have to",
    "must have to", "need to", "try to",
]
TERMINATORS = [".", ";", ":", "?", "!", "--"]

# 4.2.3: the lengths [min, max] of each text column (text strings and v-strings).
TEXT_LENGTHS = {
    "r_comment": (31, 115),
    "n_comment": (31, 114),
    "s_comment": (25, 100),
    "c_comment": (29, 116),
    "p_comment": (5, 22),
    "ps_comment": (49, 198),
    "o_comment": (19, 78),
    "l_comment": (10, 43),
    "address": (10, 40),
}
# 4.2.3, S_COMMENT: SF * 5 suppliers hold "Customer%Complaints", another SF * 5
# "Customer%Recommends" (Q16 excludes the first).
SUPPLIER_REMARKS = ("Customer Complaints", "Customer Recommends")
SUPPLIER_REMARKS_PER_SF = 5

# 1.4: the columns' datatypes. Identifiers and integers are INTEGER; decimals are money or
# rates with two digits; dates are ISO text. L_QUANTITY is a decimal in the specification but
# always a whole number (4.2.3: random value [1 .. 50]), so it is read as an integer.
INTEGER_COLUMNS = {
    "r_regionkey", "n_nationkey", "n_regionkey", "s_suppkey", "s_nationkey", "c_custkey",
    "c_nationkey", "p_partkey", "p_size", "ps_partkey", "ps_suppkey", "ps_availqty",
    "o_orderkey", "o_custkey", "o_shippriority", "l_orderkey", "l_partkey", "l_suppkey",
    "l_linenumber", "l_quantity",
}
DECIMAL_COLUMNS = {
    "s_acctbal", "c_acctbal", "p_retailprice", "ps_supplycost", "o_totalprice",
    "l_extendedprice", "l_discount", "l_tax",
}
DATE_COLUMNS = {"o_orderdate", "l_shipdate", "l_commitdate", "l_receiptdate"}
