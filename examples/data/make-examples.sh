#!/bin/sh
# make-examples.sh -- regenerate the example network and order book in this
# directory. Deterministic: the same postal file and day give byte-identical
# output. Needs only a POSIX shell and awk.
#
# usage: make-examples.sh [-d DAY] [POSTAL_CSV [OUTDIR]]
#   -d DAY      the business day of the book (YYYY-MM-DD), default 2026-11-26:
#               orders are created over the week that ends that day and
#               promised two to seven days after the next, the day the nightly
#               job releases them; the stock is counted at 22:00Z that day;
#               each order id carries the day (O261126-001), so the books of
#               two days never share an order
#   POSTAL_CSV  default: share/postal-us.csv of this source tree
#   OUTDIR      default: the directory holding this script
set -eu

day=2026-11-26
if [ "${1:-}" = -d ]; then
	day=${2:?usage: make-examples.sh [-d DAY] [POSTAL_CSV [OUTDIR]]}
	shift 2
fi
case $day in
[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]) ;;
*) echo "make-examples.sh: -d takes a day YYYY-MM-DD, got \"$day\"" >&2; exit 64 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
postal=${1:-$here/../../share/postal-us.csv}
out=${2:-$here}
[ -r "$postal" ] || { echo "make-examples.sh: cannot read $postal" >&2; exit 66; }
mkdir -p "$out"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/oms-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

# --- the network -----------------------------------------------------------
# node_id|type|name|zip|can_ship|can_pickup|can_curbside|accepts_returns|
# capacity_per_day|handling_cost|processing_days|safety_stock|active|
# address1|city|region (the street address releases to a locker or store name)
# (lat/lon are looked up from the postal file)
cat >"$tmp/nodes.spec" <<'EOF'
WH-NJ1|warehouse|Cranbury NJ Distribution Center|08512|1|0|0|1|2000|1.50|1|5|1|100 Station Rd|Cranbury|NJ
WH-TX1|warehouse|Dallas TX Distribution Center|75212|1|0|0|1|2000|1.45|1|5|1|2800 Irving Blvd|Dallas|TX
WH-NV1|warehouse|Reno NV Distribution Center|89502|1|0|0|1|1500|1.55|1|3|1|1200 Terminal Way|Reno|NV
3PL-TN1|3pl|Memphis TN 3PL (overflow)|38118|1|0|0|0|800|2.00|1|0|1|3900 Tchulahoma Rd|Memphis|TN
VEN-HPF|vendor|High Point Furniture Co. (dropship)|27260|1|0|0|0|120|4.00|3|0|1|500 N Centennial St|High Point|NC
ST-NYC|store|New York Herald Square|10001|1|1|0|1|40|3.25|1|2|1|151 W 34th St|New York|NY
ST-BOS|store|Boston Back Bay|02116|1|1|0|1|25|3.00|1|2|1|500 Boylston St|Boston|MA
ST-PHL|store|Philadelphia Center City|19103|1|1|1|1|30|3.00|1|1|1|1500 Market St|Philadelphia|PA
ST-ATL|store|Atlanta Downtown|30303|1|1|1|1|35|2.90|0|1|1|50 Peachtree St NW|Atlanta|GA
ST-MIA|store|Miami Brickell|33131|1|1|0|1|25|3.00|1|2|1|1000 Brickell Ave|Miami|FL
ST-CHI|store|Chicago Magnificent Mile|60611|1|1|0|1|60|3.10|0|2|1|600 N Michigan Ave|Chicago|IL
ST-HOU|store|Houston Downtown|77002|1|1|1|1|45|2.80|0|1|1|800 Main St|Houston|TX
ST-DEN|store|Denver LoDo|80202|1|1|1|1|30|2.90|1|1|1|1600 Wynkoop St|Denver|CO
ST-PHX|store|Phoenix Midtown|85004|1|1|1|1|35|2.80|0|1|1|3000 N Central Ave|Phoenix|AZ
ST-SEA|store|Seattle Pike Place|98101|1|1|0|1|30|3.10|1|2|1|1500 1st Ave|Seattle|WA
ST-SFO|store|San Francisco SoMa|94103|1|1|0|1|20|3.40|1|2|1|800 Howard St|San Francisco|CA
ST-LAX|store|Los Angeles Downtown|90012|1|1|1|1|50|3.00|0|1|1|350 S Broadway|Los Angeles|CA
LK-BKN|locker|Brooklyn Heights Parcel Locker|11201|0|0|0|0||0.50|0|0|1|120 Montague St|Brooklyn|NY
LK-AUS|locker|Austin Downtown Parcel Locker|78701|0|0|0|0||0.50|0|0|1|600 Congress Ave|Austin|TX
DS-CHI|dark_store|Chicago Wicker Park Dark Store|60622|1|0|0|0|400|2.25|0|1|1|1500 N Milwaukee Ave|Chicago|IL
EOF

# --- the catalogue ---------------------------------------------------------
# sku|description|unit_price|unit_cost|weight_kg|ship_alone|vendor_node|
# ordering_cost|holding_rate|lead_time_days|active|popularity|scarce
# (the last two columns only steer the generator; they are not written)
cat >"$tmp/items.spec" <<'EOF'
ELEC-1001|55in 4K UHD Smart TV|449.99|330.00|18.5|1||150.00|0.30|30|1|14|0
ELEC-1002|65in 4K QLED Smart TV|799.99|590.00|25.0|1||150.00|0.30|30|1|9|1
ELEC-1003|Wireless Noise-Cancelling Headphones|199.99|120.00|0.35|0||80.00|0.30|28|1|16|0
ELEC-1004|True Wireless Earbuds|79.99|38.00|0.08|0||60.00|0.30|28|1|22|0
ELEC-1005|Bluetooth Speaker, Waterproof|59.99|27.50|0.60|0||60.00|0.30|28|1|15|0
ELEC-1006|10in Tablet 64GB|229.99|170.00|0.50|0||90.00|0.30|30|1|12|0
ELEC-1007|Gaming Console 1TB|499.99|430.00|4.50|0||120.00|0.30|35|1|18|1
ELEC-1008|Wireless Game Controller|69.99|41.00|0.28|0||60.00|0.30|35|1|12|0
ELEC-1009|Smart Watch 44mm|279.99|190.00|0.10|0||80.00|0.30|30|1|10|0
ELEC-1010|USB-C Wall Charger 65W|34.99|12.00|0.15|0||40.00|0.25|21|1|12|0
ELEC-1011|HDMI 2.1 Cable 2m|12.99|2.10|0.12|0||35.00|0.25|21|1|10|0
ELEC-1012|4K Streaming Media Stick|49.99|28.00|0.10|0||60.00|0.30|28|1|14|0
ELEC-1013|Robot Vacuum with Mapping|299.99|185.00|4.20|0||100.00|0.30|35|1|9|0
ELEC-1014|Soundbar with Wireless Subwoofer|249.99|160.00|9.80|0||100.00|0.30|35|1|7|0
ELEC-1099|DVD Player (discontinued)|39.99|22.00|1.60|0||40.00|0.30|30|0|0|0
HOME-2001|Stand Mixer 5qt|349.99|230.00|10.50|0||110.00|0.25|21|1|11|1
HOME-2002|Air Fryer 6qt|99.99|55.00|5.20|0||70.00|0.25|21|1|20|0
HOME-2003|Electric Multi-Cooker 8qt|119.99|70.00|5.80|0||70.00|0.25|21|1|10|0
HOME-2004|Drip Coffee Maker, 12-Cup|49.99|24.00|2.60|0||50.00|0.25|21|1|9|0
HOME-2005|Espresso Machine with Grinder|599.99|390.00|9.00|0||110.00|0.25|28|1|6|1
HOME-2006|High-Speed Blender 1200W|89.99|45.00|3.90|0||60.00|0.25|21|1|8|0
HOME-2007|Nonstick Cookware Set, 10-Piece|129.99|62.00|7.50|0||70.00|0.25|28|1|9|0
HOME-2008|Chef's Knife 8in|39.99|14.00|0.30|0||40.00|0.25|21|1|8|0
HOME-2009|Bath Towel Set 6pc|34.99|13.50|2.10|0||40.00|0.20|30|1|9|0
HOME-2010|Queen Sheet Set 400TC|59.99|22.00|1.60|0||40.00|0.20|30|1|10|0
HOME-2011|Down Alternative Comforter, Queen|79.99|31.00|2.80|0||45.00|0.20|30|1|8|0
HOME-2012|Memory Foam Pillow 2-Pack|44.99|16.00|1.90|0||40.00|0.20|30|1|8|0
HOME-2013|Cordless Stick Vacuum|229.99|140.00|3.40|0||90.00|0.25|28|1|8|0
HOME-2014|Scented Candle 3-Wick 14oz|19.99|5.20|1.10|0||30.00|0.20|14|1|14|0
HOME-2015|LED Desk Lamp with USB Port|29.99|11.00|0.90|0||35.00|0.25|21|1|6|0
TOYS-3001|Building Blocks Castle Set 1200pc|119.99|66.00|2.30|0||80.00|0.25|45|1|13|1
TOYS-3002|Fashion Doll Dreamhouse|179.99|105.00|9.50|0||80.00|0.25|45|1|7|0
TOYS-3003|Remote Control Stunt Car|49.99|22.00|1.20|0||50.00|0.25|45|1|11|0
TOYS-3004|Plush Teddy Bear 16in|24.99|7.50|0.45|0||35.00|0.20|45|1|10|0
TOYS-3005|Family Board Game|29.99|12.50|1.30|0||35.00|0.20|30|1|11|0
TOYS-3006|Kids 3-Wheel Scooter|59.99|28.00|3.10|0||45.00|0.25|45|1|7|0
TOYS-3007|Jigsaw Puzzle 1000pc|17.99|6.20|0.70|0||30.00|0.20|30|1|8|0
TOYS-3008|Deluxe Art Kit 150pc|34.99|13.00|1.80|0||35.00|0.20|30|1|7|0
APRL-4001|Men's Fleece Jacket, M|49.99|18.00|0.60|0||45.00|0.30|60|1|10|0
APRL-4002|Women's Puffer Jacket, S|89.99|34.00|0.80|0||45.00|0.30|60|1|9|0
APRL-4003|Merino Wool Socks 3-Pack|24.99|8.50|0.25|0||30.00|0.25|45|1|12|0
APRL-4004|Men's Running Shoes, Size 10|109.99|52.00|0.90|0||45.00|0.30|45|1|8|0
APRL-4005|Knit Beanie|14.99|3.80|0.10|0||25.00|0.25|45|1|9|0
APRL-4006|Flannel Pajama Set, Unisex L|39.99|14.50|0.55|0||30.00|0.25|45|1|8|0
APRL-4007|Leather Touchscreen Gloves, M|34.99|12.00|0.20|0||30.00|0.25|45|1|6|0
APRL-4008|Kids Insulated Winter Boots, 6|54.99|23.00|1.10|0||40.00|0.30|60|1|6|0
SPRT-5001|Yoga Mat 6mm|29.99|9.80|1.40|0||35.00|0.25|30|1|8|0
SPRT-5002|Adjustable Dumbbells 25kg Pair|299.99|190.00|24.00|1||90.00|0.25|40|1|5|0
SPRT-5003|Insulated Water Bottle 32oz|34.99|11.00|0.50|0||30.00|0.25|30|1|10|0
SPRT-5004|2-Person Backpacking Tent|129.99|68.00|3.60|0||60.00|0.25|40|1|4|0
SPRT-5005|Sleeping Bag, 20F|79.99|36.00|1.90|0||50.00|0.25|40|1|4|0
SPRT-5006|Folding Treadmill|699.99|460.00|52.00|1||150.00|0.25|45|1|5|1
SPRT-5007|Adult Bike Helmet|44.99|17.00|0.45|0||35.00|0.25|30|1|4|0
BEAU-6001|Holiday Body Care Gift Set|29.99|10.50|0.90|0||30.00|0.25|21|1|13|0
BEAU-6002|Rechargeable Electric Toothbrush|89.99|42.00|0.60|0||50.00|0.25|21|1|7|0
BEAU-6003|Ionic Hair Dryer 1875W|59.99|26.00|0.80|0||40.00|0.25|21|1|6|0
BEAU-6004|Eau de Parfum 50ml|84.99|30.00|0.35|0||50.00|0.25|28|1|8|0
FURN-7001|Three-Seat Sofa, Gray|899.00|540.00|68.00|1|VEN-HPF|60.00|0.20|14|1|3|1
FURN-7002|Accent Armchair, Velvet|349.00|205.00|22.00|1|VEN-HPF|60.00|0.20|14|1|3|0
FURN-7003|Oak Dining Table, 6-Seat|649.00|400.00|55.00|1|VEN-HPF|60.00|0.20|14|1|2|0
FURN-7004|5-Shelf Bookcase|149.00|82.00|27.00|0|VEN-HPF|60.00|0.20|14|1|3|0
FURN-7005|Ergonomic Office Chair|229.00|130.00|17.00|0|VEN-HPF|60.00|0.20|14|1|4|0
EOF

cat >"$tmp/rates.csv" <<'EOF'
max_km,base_cost,per_kg,transit_days
50,4.50,0.40,1
150,5.25,0.45,1
300,6.10,0.50,2
600,7.20,0.60,2
1000,8.40,0.70,3
1800,9.80,0.85,4
3000,11.50,1.00,5
5000,13.75,1.20,5
9000,24.00,2.50,7
EOF

cat >"$tmp/gen.awk" <<'EOF'
# Park-Miller minimal standard generator: exact in double arithmetic, so
# every awk gives the same sequence.
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
function ri(n) { return int(rnd() * n) }
function pick(list,   a, n) { n = split(list, a, " "); return a[1 + ri(n)] }
function repl(s, c, r,   o, i) {
    o = ""
    while ((i = index(s, c)) > 0) { o = o substr(s, 1, i - 1) r; s = substr(s, i + 1) }
    return o s
}
function csv(s) {
    if (s ~ /[",\r\n]/) return "\"" repl(s, "\"", "\"\"") "\""
    return s
}
function js(s) { return "\"" repl(repl(s, "\\", "\\\\"), "\"", "\\\"") "\"" }
function money(c) { return sprintf("%d.%02d", int(c / 100), c % 100) }
function cents(s,   a) { split(s, a, "."); return a[1] * 100 + substr(a[2] "00", 1, 2) }
# Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms).
function days_from_civil(y, m, d,   era, yoe, doy, doe) {
    y -= m <= 2
    era = int((y >= 0 ? y : y - 399) / 400)
    yoe = y - era * 400
    doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
    doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
    return era * 146097 + doe - 719468
}
function civil(z,   era, doe, yoe, y, doy, mp, d, m) {
    z += 719468
    era = int((z >= 0 ? z : z - 146096) / 146097)
    doe = z - era * 146097
    yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
    y = yoe + era * 400
    doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
    mp = int((5 * doy + 2) / 153)
    d = doy - int((153 * mp + 2) / 5) + 1
    m = mp + (mp < 10 ? 3 : -9)
    return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
}
# day d of the book: 26 is the business day, 20 six days before it (the
# numbers are those of the first book, whose business day was 2026-11-26)
function date(d) { return civil(bday + d - 26) }
function stamp(t,   d) {
    d = int(t / 86400); t -= d * 86400
    return sprintf("%sT%02d:%02d:%02dZ", date(20 + d), int(t / 3600), int(t % 3600 / 60), t % 60)
}
function pickzip(key,   n) { n = mcount[key]; return mrow[key, 1 + ri(n)] }
function pickspread() { return spread[1 + ri(nspread)] }
function pickitem(   r, lo, hi, mid) {
    r = rnd() * cum[nitem]
    lo = 1; hi = nitem
    while (lo < hi) { mid = int((lo + hi) / 2); if (cum[mid] > r) hi = mid; else lo = mid + 1 }
    return lo
}
function address(   s, apt) {
    s = (10 + ri(9890)) " " pick(STREETS) " " pick(SUFFIX)
    apt = ri(100)
    if (apt < 8) s = s ", Apt " (1 + ri(30)) pick("A B C D")
    else if (apt < 11) s = s ", Unit " (100 + ri(400))
    else if (apt < 13) s = "Apt " (1 + ri(12)) ", Building " pick("A B C D") ", " s
    else if (apt < 15) s = s " Suite " (100 + ri(800))
    return s
}

BEGIN {
    seed = 20261126
    split(day, dp, "-")
    bday = days_from_civil(dp[1] + 0, dp[2] + 0, dp[3] + 0)
    if (civil(bday) != day) { print "make-examples.sh: no such day " day > "/dev/stderr"; bad = 64; exit 64 }
    dkey = substr(day, 3, 2) substr(day, 6, 2) substr(day, 9, 2)
    FS = ","
    STREETS = "Maple Oak Pine Cedar Elm Washington Lake Hill Park Main Church Walnut Spruce Highland Sunset Jackson Franklin Lincoln Madison Jefferson Ridge Meadow Forest River Spring Willow Chestnut Union Center Mill"
    SUFFIX = "St St St Ave Ave Rd Dr Ln Blvd Ct Way Pl"
    # display name | ascii for e-mail
    nf = split("James|james Mary|mary Robert|robert Patricia|patricia John|john Jennifer|jennifer Michael|michael Linda|linda David|david Elizabeth|elizabeth William|william Barbara|barbara Richard|richard Susan|susan Joseph|joseph Jessica|jessica Thomas|thomas Sarah|sarah Charles|charles Karen|karen Daniel|daniel Nancy|nancy Matthew|matthew Lisa|lisa Anthony|anthony Emily|emily José|jose Zoë|zoe Renée|renee Søren|soren Priya|priya Wei|wei Aisha|aisha Mateo|mateo Hannah|hannah Kenji|kenji Olivia|olivia Liam|liam Noah|noah Sofia|sofia", FIRST, " ")
    nl = split("Smith|smith Johnson|johnson Williams|williams Brown|brown Jones|jones Garcia|garcia Miller|miller Davis|davis Rodriguez|rodriguez Martinez|martinez Hernandez|hernandez Lopez|lopez Gonzalez|gonzalez Wilson|wilson Anderson|anderson Thomas|thomas Taylor|taylor Moore|moore Jackson|jackson Martin|martin Lee|lee Thompson|thompson White|white Harris|harris Clark|clark Lewis|lewis Robinson|robinson Walker|walker Nguyen|nguyen Patel|patel Kim|kim O'Brien|obrien Müller|muller Álvarez|alvarez Dubois|dubois Kowalski|kowalski Yamamoto|yamamoto Okafor|okafor Lindqvist|lindqvist", LAST, " ")
    nfile = 0
}
FNR == 1 { nfile++ }

# file 1: the postal file (postal_code,country,lat,lon,city,region)
nfile == 1 && FNR > 1 {
    np++; pz[np] = $1; pc[np] = $2; plat[np] = $3; plon[np] = $4; pcity[np] = $5; preg[np] = $6
    zrow[$1] = np
    key = $5 "," $6
    mcount[key]++; mrow[key, mcount[key]] = np
    if ($3 != 0 && $6 !~ /^(AE|AP|AA|GU|VI|FM|MP|PW|MH|AS)$/ && np % 173 == 0) spread[++nspread] = np
    if (np % 97 == 0 && ($3 != 0 || $4 != 0)) needzip[np] = 1
    next
}
# file 2: nodes
nfile == 2 {
    split($0, f, "|")
    nn++; nid[nn] = f[1]; ntype[nn] = f[2]; nrow[nn] = zrow[f[4]]
    if (nrow[nn] == "") { print "make-examples.sh: node zip " f[4] " not in postal file" > "/dev/stderr"; bad = 65; exit 65 }
    needzip[nrow[nn]] = 1
    ncurb[nn] = f[7]; nsafety[nn] = f[12]
    nline[nn] = csv(f[1]) "," f[2] "," csv(f[3]) "," f[4] ",US," plat[nrow[nn]] "," plon[nrow[nn]] "," f[5] "," f[6] "," f[7] "," f[8] "," f[9] "," f[10] "," f[11] "," f[12] "," f[13] "," csv(f[14]) "," csv(f[15]) "," csv(f[16])
    if (f[2] == "store") { nstore++; store[nstore] = nn }
    if (f[2] == "warehouse") { nwh++; wh[nwh] = nn }
    if (f[2] == "locker") { nlock++; locker[nlock] = nn }
    if (f[2] == "3pl") tpl = nn
    if (f[2] == "vendor") vendor = nn
    if (f[2] == "dark_store") dark = nn
    next
}
# file 3: items
nfile == 3 {
    split($0, f, "|")
    nitem++
    isku[nitem] = f[1]; iprice[nitem] = cents(f[3]); iweight[nitem] = f[5] + 0
    ialone[nitem] = f[6]; ivendor[nitem] = f[7]; iactive[nitem] = f[11]
    ipop[nitem] = f[12]; iscarce[nitem] = f[13]
    cum[nitem] = cum[nitem - 1] + f[12]
    iline[nitem] = csv(f[1]) "," csv(f[2]) "," f[3] "," f[4] "," f[5] "," f[6] "," f[7] "," f[8] "," f[9] "," f[10] "," f[11]
    next
}

END {
    if (bad) exit bad
    if (np < 1000 || nn < 1 || nitem < 1) exit 65

    # ---- nodes.csv, items.csv
    fn = out "/nodes.csv"
    print "node_id,type,name,postal_code,country,lat,lon,can_ship,can_pickup,can_curbside,accepts_returns,capacity_per_day,handling_cost,processing_days,safety_stock,active,address1,city,region" > fn
    for (n = 1; n <= nn; n++) print nline[n] > fn
    close(fn)
    fn = out "/items.csv"
    print "sku,description,unit_price,unit_cost,weight_kg,ship_alone,vendor_node,ordering_cost,holding_rate,lead_time_days,active" > fn
    for (i = 1; i <= nitem; i++) print iline[i] > fn
    close(fn)

    # ---- store assortments (decided before orders, so pickups mostly find stock)
    for (s = 1; s <= nstore; s++) {
        n = store[s]
        for (i = 1; i <= nitem; i++) {
            if (!iactive[i] || ivendor[i] != "" || iweight[i] > 20) continue
            if (rnd() < 0.30 + ipop[i] / 40) { carry[n, i] = 1; assort[n, ++nassort[n]] = i }
        }
    }

    # ---- customers
    fn = out "/customers.csv"
    print "customer_id,name,email,phone,tier" > fn
    ncust = 120
    for (c = 1; c <= ncust; c++) {
        cid[c] = sprintf("C%05d", 10000 + c)
        split(FIRST[1 + ri(nf)], a, "|"); split(LAST[1 + ri(nl)], b, "|")
        name = a[1] " " b[1]; mail = a[2] "." b[2]
        if (c == 7) { name = "Katherine \"Kat\" O'Hara"; mail = "kat.ohara" }
        if (c == 58) { name = "Dr. Samuel Okafor, Jr."; mail = "samuel.okafor" }
        cname[c] = name
        r = rnd()
        if (r < 0.55) {          # lives near one of our stores
            home = store[1 + ri(nstore)]; cstore[c] = home
            z = pickzip(pcity[nrow[home]] "," preg[nrow[home]])
        } else if (r < 0.62) {   # lives near a parcel locker
            home = locker[1 + ri(nlock)]; clock[c] = home
            z = pickzip(pcity[nrow[home]] "," preg[nrow[home]])
        } else z = pickspread()
        czip[c] = z; caddr[c] = address()
        r = ri(100); tier = r < 78 ? "standard" : r < 94 ? "gold" : "platinum"
        ctier[c] = tier
        email = ri(100) < 5 ? "" : mail (ri(4) ? "" : ri(90) + 10) "@" pick("example.com example.com example.net example.org")
        phone = ri(100) < 10 ? "" : sprintf("+1-%d-555-01%02d", pick("201 212 312 404 415 469 512 602 617 713 720 775 786 206 213 215 646 917 929"), ri(100))
        print cid[c] "," csv(name) "," email "," phone "," tier > fn
    }
    close(fn)

    # ---- orders
    fo = out "/orders.csv"; fj = out "/orders-extra.json"
    print "order_id,line_no,sku,qty,channel,customer_id,created_at,priority,promise_date,method,pickup_node,ship_name,ship_address1,ship_city,ship_region,ship_postal_code,ship_country,ship_lat,ship_lon,unit_price,discount,ship_complete" > fo
    printf "[" > fj
    ncsv = 300; njson = 20
    for (o = 1; o <= ncsv + njson; o++) {
        oid = sprintf("O%s-%03d", dkey, o)
        c = 1 + ri(ncust)
        if (o <= ncsv) {       # six days before the day 00:00Z .. the day 17:00Z
            t = int((o - 1 + rnd()) * 579600 / ncsv)
            created = stamp(t); day = 20 + int(t / 86400)
        } else {                # marketplace feed, local time, the day 12:00-17:00 -05:00
            t = int((o - ncsv - 1 + rnd()) * 18000 / njson)
            created = sprintf("%sT%02d:%02d:%02d-05:00", date(26), 12 + int(t / 3600), int(t % 3600 / 60), t % 60)
            day = 26
        }
        r = ri(100)
        channel = o > ncsv ? (r < 70 ? "marketplace" : "web") : r < 58 ? "web" : r < 73 ? "store" : r < 88 ? "marketplace" : "phone"
        r = ri(100)
        prio = 5
        if (r < 3) prio = 1; else if (r < 6) prio = 2; else if (r < 12) prio = 3
        if (ctier[c] == "platinum" && prio > 2) prio = 2
        if (ctier[c] == "gold" && prio == 5 && ri(2)) prio = 4
        # promised from the night the book is released (day 27), whenever
        # the order came in: express 2 days, priority 3-4, standard 4-7
        promise = date(27 + (prio == 1 ? 2 : prio <= 3 ? 3 + ri(2) : 4 + ri(4)))

        # fulfilment plan
        method = "ship"; pnode = ""
        r = ri(100)
        if (cstore[c] != "" && channel != "marketplace" && r < 22) {
            pnode = cstore[c]; method = (ncurb[pnode] == 1 && ri(100) < 35) ? "curbside" : "pickup"
        } else if (clock[c] != "" && r < 65) { pnode = clock[c]; method = "locker" }
        mixed = (method == "pickup" && ri(100) < 20)

        r = ri(100)
        nlines = r < 30 ? 1 : r < 54 ? 2 : r < 76 ? 3 : r < 90 ? 4 : 5
        if (method != "ship" && !mixed && nlines > 2) nlines = 1 + ri(2)
        shipc = (nlines > 1 && ri(100) < 14) ? 1 : 0

        # ship-to: home, or a gift to someone else
        sname = cname[c]; z = czip[c]; addr = caddr[c]
        if (method == "ship" && ri(100) < 10) {
            split(FIRST[1 + ri(nf)], a, "|"); split(LAST[1 + ri(nl)], b, "|")
            sname = a[1] " " b[1]; z = pickspread(); addr = address()
        }
        if (o == 123) addr = "Apt 4, Building B, 77 Harbor View Rd"
        needzip[z] = 1
        slat = slon = ""
        if (ri(100) < 5) {      # geocoded rooftop, a little off the ZIP centroid
            slat = sprintf("%.5f", plat[z] + (ri(600) - 300) / 10000)
            slon = sprintf("%.5f", plon[z] + (ri(600) - 300) / 10000)
        }
        head = csv(sname) "," csv(addr) "," csv(pcity[z]) "," preg[z] "," pz[z] ",US," slat "," slon

        split("", used); ln = 0
        for (l = 1; l <= nlines; l++) {
            lm = method; lp = pnode
            if (mixed && ln > 0) { lm = "ship"; lp = "" }
            ok = 0
            for (try = 0; try < 20; try++) {
                if (lm == "pickup" || lm == "curbside") {
                    if (ri(100) < 88 && nassort[lp] > 0) i = assort[lp, 1 + ri(nassort[lp])]
                    else i = pickitem()
                    if (ivendor[i] != "" || iweight[i] > 20) continue
                } else if (lm == "locker") {
                    i = pickitem()
                    if (ivendor[i] != "" || ialone[i] == 1 || iweight[i] > 5) continue
                } else i = pickitem()
                if (!(i in used)) { ok = 1; break }
            }
            if (!ok) continue
            used[i] = 1; ln++
            r = ri(100)
            if (ialone[i] == 1 || ivendor[i] != "" || lm != "ship") qty = r < 92 ? 1 : 2
            else if (iprice[i] < 2000) qty = r < 45 ? 1 : r < 70 ? 2 : r < 85 ? 3 : 4 + ri(3)
            else qty = r < 80 ? 1 : r < 95 ? 2 : 3
            disc = 0
            r = ri(100)
            if (r < 5) disc = int(qty * iprice[i] * (10 + 5 * ri(3)) / 100)
            else if (r < 8) disc = 500 + 500 * ri(2)
            if (disc > qty * iprice[i]) disc = qty * iprice[i]
            demand[i] += qty
            nl_out++
            if (o <= ncsv) {
                print oid "," ln "," isku[i] "," qty "," channel "," cid[c] "," created "," prio "," promise "," lm "," (lp == "" ? "" : nid[lp]) "," head "," money(iprice[i]) "," money(disc) "," shipc > fo
            } else {
                jl[ln] = sprintf("{\"line_no\": %d, \"sku\": %s, \"qty\": %d, \"method\": %s%s, \"unit_price\": %s%s}", ln, js(isku[i]), qty, js(lm), lp == "" ? "" : ", \"pickup_node\": " js(nid[lp]), money(iprice[i]), disc ? ", \"discount\": " money(disc) : "")
            }
        }
        if (o > ncsv) {
            printf "%s\n  {\"order_id\": %s, \"channel\": %s, \"customer_id\": %s, \"created_at\": %s, \"priority\": %d, \"promise_date\": %s,\n   \"ship_name\": %s, \"ship_address1\": %s, \"ship_city\": %s, \"ship_region\": %s, \"ship_postal_code\": %s, \"ship_country\": \"US\",%s \"ship_complete\": %s,\n   \"lines\": [\n", (o > ncsv + 1 ? "," : ""), js(oid), js(channel), js(cid[c]), js(created), prio, js(promise), js(sname), js(addr), js(pcity[z]), js(preg[z]), js(pz[z]), (slat == "" ? "" : " \"ship_lat\": " slat ", \"ship_lon\": " slon ","), (shipc ? "true" : "false") > fj
            n = 0
            for (l = 1; l <= ln; l++) printf "%s     %s", (l > 1 ? ",\n" : ""), jl[l] > fj
            printf "\n   ]}" > fj
            split("", jl)
        }
    }
    print "\n]" > fj
    close(fo); close(fj)

    # ---- inventory snapshot
    fn = out "/inventory.csv"
    print "node_id,sku,on_hand,safety_stock,as_of" > fn
    asof = date(26) "T22:00:00Z"
    split("40 35 25", share, " ")
    for (i = 1; i <= nitem; i++) {
        if (ivendor[i] != "") {
            q = iscarce[i] ? 1 + ri(3) : 8 + ri(25)
            vinv[i] = q
            continue
        }
        if (!iactive[i]) { winv[wh[1], i] = 3; continue }
        d = demand[i] + 0
        if (iscarce[i]) total = int(d * 0.35) + ri(3)
        else total = 6 * int((d * (1.6 + rnd()) + 12) / 6 + 1)
        carried = 0
        for (w = 1; w <= nwh; w++) {
            if (!iscarce[i] && ri(100) < 15 && !(w == nwh && carried == 0)) continue
            q = int(total * share[w] / 100 + rnd())
            if (!iscarce[i]) q = 6 * int(q / 6 + 1)
            winv[wh[w], i] = q; carried++
        }
        if (!iscarce[i] && ri(100) < 25) winv[tpl, i] = 12 * (2 + ri(9))
        if (ri(100) < 45 && iweight[i] < 20) winv[dark, i] = iscarce[i] ? ri(2) : 4 + ri(12)
    }
    # warehouses, 3pl, dark store, vendor, then stores
    for (n = 1; n <= nn; n++) {
        for (i = 1; i <= nitem; i++) {
            q = ""
            if (ntype[n] == "vendor") { if (i in vinv) q = vinv[i] }
            else if (ntype[n] == "store") {
                if (carry[n, i]) q = iscarce[i] ? ri(3) : 2 + ri(7)
            } else if ((n, i) in winv) q = winv[n, i]
            if (q == "") continue
            ss = ""
            r = ri(100)
            if (ntype[n] == "store" && q >= 5 && r < 8) ss = 3
            else if (ntype[n] == "warehouse" && q >= 60 && r < 10) ss = 12
            else if (r < 2) ss = 0
            print nid[n] "," isku[i] "," q "," ss "," (ntype[n] == "3pl" ? date(26) "T20:00:00Z" : asof) > fn
            if (ntype[n] == "store") { sinv[++nsinv] = n SUBSEP i; sq[nsinv] = q }
        }
    }
    close(fn)

    # ---- store inventory deltas (POS sales, damage, recounts, receipts)
    fn = out "/inventory-delta.csv"
    print "node_id,sku,delta,reason" > fn
    split("", used)
    for (k = 0; k < 15; ) {
        j = 1 + ri(nsinv)
        if (j in used) continue
        used[j] = 1
        split(sinv[j], a, SUBSEP); q = sq[j]
        r = ri(100)
        if (r < 40 && q >= 2) { dl = -(1 + ri(2)); why = "sale" }
        else if (r < 55 && q >= 1) { dl = -1; why = "damage" }
        else if (r < 80) { dl = q >= 2 ? (ri(2) ? 1 : -1) * (1 + ri(2)) : 1 + ri(2); why = "recount" }
        else { dl = 6 * (1 + ri(2)); why = "receipt" }
        if (q + dl < 0) continue
        print nid[a[1]] "," isku[a[2]] "," dl "," why > fn
        k++
    }
    close(fn)

    # ---- postal subset
    fn = out "/postal.csv"
    print "postal_code,country,lat,lon" > fn
    for (z = 1; z <= np; z++) if (z in needzip) print pz[z] "," pc[z] "," plat[z] "," plon[z] > fn
    close(fn)

    printf "make-examples.sh: %d nodes, %d items, %d customers, %d orders, %d lines\n", nn, nitem, ncust, ncsv + njson, nl_out > "/dev/stderr"
}
EOF

awk -v out="$tmp" -v day="$day" -f "$tmp/gen.awk" "$postal" "$tmp/nodes.spec" "$tmp/items.spec"
for f in nodes items inventory inventory-delta customers orders postal rates; do
    cp "$tmp/$f.csv" "$out/$f.csv"
done
cp "$tmp/orders-extra.json" "$out/orders-extra.json"
