package summarypdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"
)

// labels are the words of one language. Values from the API's vocabularies (order status,
// payment status, event types) are shown as the API spells them, so the page matches
// order.json and timeline.json; dispute and message statuses are translated with the code
// kept beside the words.
type labels struct {
	title, subtitle, none, unknown, noChannel    string
	order, orderID, status, amount, created      string
	paymentStatus, paid, refunded                string
	disputes, provider, disputeID, reason        string
	opened, respondBy, respondByBanner           string
	parcels, carrier, tracking, service, shipped string
	noCheckpoints, time, location, message       string
	messages, kind, channel, subject             string
	timeline, source, eventType, applied, note   string
	appliedYes, appliedNo                        string
	footer                                       string // order id, page number, then {nb} last
	disputeStatus, messageStatus                 map[string]string
}

var english = labels{
	title:           "Order summary",
	subtitle:        "Dispute evidence pack · generated %s · orderwire %s",
	none:            "None",
	unknown:         "unknown",
	noChannel:       "none",
	order:           "Order",
	orderID:         "Order ID",
	status:          "Status",
	amount:          "Amount",
	created:         "Created",
	paymentStatus:   "Payment status",
	paid:            "Paid",
	refunded:        "Refunded",
	disputes:        "Disputes",
	provider:        "Provider",
	disputeID:       "Dispute ID",
	reason:          "Reason",
	opened:          "Opened (UTC)",
	respondBy:       "Respond by (UTC)",
	respondByBanner: "Respond by %s — %s dispute %s",
	parcels:         "Parcels and carrier checkpoints",
	carrier:         "Carrier",
	tracking:        "Tracking number",
	service:         "Service",
	shipped:         "Shipped",
	noCheckpoints:   "No carrier checkpoints recorded.",
	time:            "Time (UTC)",
	location:        "Location",
	message:         "Message",
	messages:        "Messages sent to the buyer",
	kind:            "Kind",
	channel:         "Channel",
	subject:         "Subject",
	timeline:        "Timeline",
	source:          "Source",
	eventType:       "Type",
	applied:         "Applied",
	note:            "Note",
	appliedYes:      "applied",
	appliedNo:       "recorded",
	footer:          "Order %s · page %d of %s",
	// English shows the dispute and message status codes as they are.
}

var chinese = labels{
	title:           "订单摘要",
	subtitle:        "争议证据包 · 生成于 %s · orderwire %s",
	none:            "无",
	unknown:         "未知",
	noChannel:       "无",
	order:           "订单",
	orderID:         "订单号",
	status:          "状态",
	amount:          "金额",
	created:         "创建时间",
	paymentStatus:   "付款状态",
	paid:            "已付款",
	refunded:        "已退款",
	disputes:        "争议",
	provider:        "支付渠道",
	disputeID:       "争议编号",
	reason:          "原因",
	opened:          "发起时间 (UTC)",
	respondBy:       "回应截止 (UTC)",
	respondByBanner: "请在 %s 前回应 — %s 争议 %s",
	parcels:         "包裹与物流轨迹",
	carrier:         "承运商",
	tracking:        "运单号",
	service:         "服务",
	shipped:         "发货时间",
	noCheckpoints:   "暂无物流轨迹。",
	time:            "时间 (UTC)",
	location:        "地点",
	message:         "描述",
	messages:        "发给买家的消息",
	kind:            "类型",
	channel:         "渠道",
	subject:         "主题",
	timeline:        "时间线",
	source:          "来源",
	eventType:       "事件",
	applied:         "是否应用",
	note:            "备注",
	appliedYes:      "已应用",
	appliedNo:       "仅记录",
	footer:          "订单 %s · 页码 %d/%s",
	disputeStatus: map[string]string{
		"needs_response": "待回应", "under_review": "审核中",
		"won": "已胜诉", "lost": "已败诉", "closed": "已关闭",
	},
	messageStatus: map[string]string{
		"sent": "已发送", "skipped": "已跳过", "failed": "失败",
		"unknown": "结果未知", "pending": "待发送",
	},
}

// labelsFor returns the labels of lang: "zh-CN" (or any "zh" tag) is Simplified Chinese,
// anything else English.
func labelsFor(lang string) *labels {
	if lang == "zh" || strings.HasPrefix(strings.ToLower(lang), "zh-") {
		return &chinese
	}
	return &english
}

// word translates a code through table, keeping the code beside the words when they
// differ ("待回应 (needs_response)"); an unknown code is shown as it is.
func word(table map[string]string, code string) string {
	w, ok := table[code]
	switch {
	case code == "":
		return ""
	case !ok || w == code:
		return code
	}
	return w + " (" + code + ")"
}

// timeLayout is the same in both languages: unambiguous and sortable, always UTC.
const timeLayout = "2006-01-02 15:04 MST"

// formatTime writes t in UTC, or "—" when t is zero.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(timeLayout)
}

// formatMoney writes minor units in the currency's ISO 4217 decimals with its code
// ("1,234.50 USD", "12,000 JPY"). An unknown currency shows the minor units as they are.
func formatMoney(minor int64, code string) string {
	unit, err := currency.ParseISO(code)
	if err != nil || unit.String() != code {
		return strings.TrimSpace(strconv.FormatInt(minor, 10) + " " + code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	digits := strconv.FormatInt(minor, 10)
	sign := ""
	if digits[0] == '-' {
		sign, digits = "-", digits[1:]
	}
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return fmt.Sprintf("%s%s %s", sign, b.String(), code)
}

// formatCellTime writes t in UTC without the zone (table headers say "UTC"), or "—".
func formatCellTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// orDash returns s, or "—" when s is empty.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
