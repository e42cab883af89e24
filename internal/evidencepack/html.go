package evidencepack

import (
	"html/template"
	"io"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/summary"
)

// labels are the summary's words in one language.
type labels struct {
	Title, Generated, Version, Order, Status, Amount, Created, Payment, Paid, Refunded string
	Parcels, Carrier, Tracking, Service, Shipped, Checkpoints, NoParcels               string
	Messages, Kind, Channel, SentAt, Subject, NoMessages, NotSent                      string
	Disputes, Provider, DisputeID, Reason, OpenedAt, RespondBy, NoDisputes, Unknown    string
	Events, At, Source, Type, Applied, Yes, No, Note, EventsShown                      string
	Verify                                                                             string
}

var labelsByLang = map[string]labels{
	"en": {
		Title: "Order evidence summary", Generated: "Generated", Version: "orderwire version",
		Order: "Order", Status: "Status", Amount: "Amount", Created: "Created", Payment: "Payment",
		Paid: "Paid", Refunded: "Refunded",
		Parcels: "Parcels", Carrier: "Carrier", Tracking: "Tracking number", Service: "Service",
		Shipped: "Shipped", Checkpoints: "Carrier checkpoints", NoParcels: "No parcel registered.",
		Messages: "Messages sent to the buyer", Kind: "Message", Channel: "Channel", SentAt: "Sent at",
		Subject: "Subject", NoMessages: "No message.", NotSent: "not sent",
		Disputes: "Disputes", Provider: "Provider", DisputeID: "Dispute id", Reason: "Reason",
		OpenedAt: "Opened", RespondBy: "Respond by", NoDisputes: "No dispute.", Unknown: "unknown",
		Events: "Timeline", At: "Time (UTC)", Source: "Source", Type: "Event", Applied: "Applied",
		Yes: "yes", No: "no", Note: "Note", EventsShown: "events shown; all of them are in timeline.json",
		Verify: "Every file of this pack is listed with its SHA-256 digest in manifest.json.",
	},
	"zh-CN": {
		Title: "订单证据摘要", Generated: "生成时间", Version: "orderwire 版本",
		Order: "订单", Status: "状态", Amount: "金额", Created: "创建时间", Payment: "付款",
		Paid: "已付", Refunded: "已退款",
		Parcels: "包裹", Carrier: "承运商", Tracking: "运单号", Service: "服务",
		Shipped: "发货时间", Checkpoints: "物流轨迹", NoParcels: "未登记包裹。",
		Messages: "发送给买家的消息", Kind: "消息", Channel: "渠道", SentAt: "发送时间",
		Subject: "主题", NoMessages: "无消息。", NotSent: "未发送",
		Disputes: "争议", Provider: "支付机构", DisputeID: "争议编号", Reason: "原因",
		OpenedAt: "发起时间", RespondBy: "答复截止", NoDisputes: "无争议。", Unknown: "未知",
		Events: "时间线", At: "时间 (UTC)", Source: "来源", Type: "事件", Applied: "已处理",
		Yes: "是", No: "否", Note: "备注", EventsShown: "条事件已列出；全部事件见 timeline.json",
		Verify: "本证据包的每个文件及其 SHA-256 摘要都列在 manifest.json 中。",
	},
}

type page struct {
	S           summary.Summary
	L           labels
	Shown       int
	TotalEvents int
}

var pageTemplate = template.Must(template.New("summary").Funcs(template.FuncMap{
	"money": func(amount int64, currency string) string {
		return order.FormatMinor(amount, currency) + " " + currency
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
}).Parse(`<!DOCTYPE html>
<html lang="{{.S.Lang}}"><head><meta charset="utf-8"><title>{{.L.Title}} {{.S.OrderID}}</title>
<style>
body{font:10pt/1.35 system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:1.5cm}
h1{font-size:15pt;margin:0 0 .3em}h2{font-size:11.5pt;margin:1em 0 .3em;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:2px 5px;text-align:left;vertical-align:top}
th{background:#f2f2f2}.meta{color:#555}@media print{body{margin:0}}
</style></head><body>
<h1>{{.L.Title}} — {{.L.Order}} {{.S.OrderID}}</h1>
<p class="meta">{{.L.Generated}}: {{when .S.GeneratedAt}} · {{.L.Version}}: {{.S.Version}}</p>
<table>
<tr><th>{{.L.Status}}</th><td>{{.S.Status}}</td><th>{{.L.Amount}}</th><td>{{money .S.AmountMinor .S.Currency}}</td></tr>
<tr><th>{{.L.Created}}</th><td>{{when .S.CreatedAt}}</td><th>{{.L.Payment}}</th><td>{{.S.PaymentStatus}}</td></tr>
<tr><th>{{.L.Paid}}</th><td>{{money .S.PaidMinor .S.Currency}}</td><th>{{.L.Refunded}}</th><td>{{money .S.RefundedMinor .S.Currency}}</td></tr>
</table>
<h2>{{.L.Disputes}}</h2>
{{with .S.Disputes}}<table><tr><th>{{$.L.Provider}}</th><th>{{$.L.DisputeID}}</th><th>{{$.L.Status}}</th><th>{{$.L.Reason}}</th><th>{{$.L.Amount}}</th><th>{{$.L.OpenedAt}}</th><th>{{$.L.RespondBy}}</th></tr>
{{range .}}<tr><td>{{.Provider}}</td><td>{{.ID}}</td><td>{{.Status}}</td><td>{{.Reason}}</td><td>{{if .Currency}}{{money .AmountMinor .Currency}}{{end}}</td><td>{{when .OpenedAt}}</td><td>{{if .RespondBy.IsZero}}{{$.L.Unknown}}{{else}}{{when .RespondBy}}{{end}}</td></tr>
{{end}}</table>{{else}}<p>{{.L.NoDisputes}}</p>{{end}}
<h2>{{.L.Parcels}}</h2>
{{range .S.Parcels}}<p><b>{{.Carrier}}</b> {{$.L.Tracking}} <b>{{.TrackingNumber}}</b> · {{$.L.Service}} {{.Service}} · {{$.L.Shipped}} {{when .ShippedAt}} · {{$.L.Status}} <b>{{.Status}}</b></p>
{{with .Checkpoints}}<table><tr><th>{{$.L.At}}</th><th>{{$.L.Checkpoints}}</th></tr>
{{range .}}<tr><td>{{when .At}}</td><td>{{.Location}}{{if .Location}} — {{end}}{{.Message}}</td></tr>
{{end}}</table>{{end}}
{{else}}<p>{{.L.NoParcels}}</p>{{end}}
<h2>{{.L.Messages}}</h2>
{{with .S.Messages}}<table><tr><th>{{$.L.Kind}}</th><th>{{$.L.Channel}}</th><th>{{$.L.SentAt}}</th><th>{{$.L.Status}}</th><th>{{$.L.Subject}}</th></tr>
{{range .}}<tr><td>{{.Kind}}</td><td>{{.Channel}}</td><td>{{if .SentAt.IsZero}}{{$.L.NotSent}}{{else}}{{when .SentAt}}{{end}}</td><td>{{.Status}}</td><td>{{.Subject}}</td></tr>
{{end}}</table>{{else}}<p>{{.L.NoMessages}}</p>{{end}}
<h2>{{.L.Events}}</h2>
<p class="meta">{{.Shown}} / {{.TotalEvents}} {{.L.EventsShown}}</p>
{{with .S.Events}}<table><tr><th>{{$.L.At}}</th><th>{{$.L.Source}}</th><th>{{$.L.Type}}</th><th>{{$.L.Applied}}</th><th>{{$.L.Note}}</th></tr>
{{range .}}<tr><td>{{when .At}}</td><td>{{.Source}}</td><td>{{.Type}}</td><td>{{if .Applied}}{{$.L.Yes}}{{else}}{{$.L.No}}{{end}}</td><td>{{.Note}}</td></tr>
{{end}}</table>{{end}}
<p class="meta">{{.L.Verify}}</p>
</body></html>
`))

// writeHTML renders summary.html in s.Lang (English for an unknown language); every value
// is escaped by html/template.
func writeHTML(w io.Writer, s summary.Summary, totalEvents int) error {
	l, ok := labelsByLang[s.Lang]
	if !ok {
		l = labelsByLang["en"]
	}
	return pageTemplate.Execute(w, page{S: s, L: l, Shown: len(s.Events), TotalEvents: totalEvents})
}
