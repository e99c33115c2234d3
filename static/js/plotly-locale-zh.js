// plotly.js locales for the Chinese UI (config.locale is set by telesales/charts.py from the
// page's language): modebar tooltips, hover labels, and month and day names in date ticks.
// Loaded after plotly.min.js, as its own file, so a different plotly build can replace that one.
(function () {
  function locale(name, words, format) {
    Plotly.register({moduleType: "locale", name: name, dictionary: words, format: format});
  }
  var months = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"];
  var days = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];
  var common = {months: months, shortMonths: months, days: days, date: "%Y-%m-%d",
                decimal: ".", thousands: ",", grouping: [3], currency: ["¥", ""]};
  locale("zh-CN", {
    "Autoscale": "自动缩放", "Box Select": "框选", "Lasso Select": "套索选择", "Pan": "平移",
    "Zoom": "缩放", "Zoom in": "放大", "Zoom out": "缩小", "Reset axes": "重置坐标轴", "Reset": "重置",
    "Reset view": "重置视图", "Reset views": "重置视图", "Download plot as a png": "下载图表",
    "Download plot as a PNG": "下载图表", "Download plot": "下载图表",
    "Compare data on hover": "悬停时比较数据", "Show closest data on hover": "悬停时显示最近的数据",
    "Toggle Spike Lines": "显示/隐藏辅助线", "Toggle show closest data on hover": "切换悬停显示最近的数据",
    "Double-click to zoom back out": "双击还原缩放", "Double-click on legend to isolate one trace": "双击图例只看这一项",
    "Snapshot succeeded": "截图成功", "Taking snapshot - this may take a few seconds": "正在截图，请稍候",
    "Sorry, there was a problem downloading your snapshot!": "抱歉，截图下载失败！",
    "Produced with Plotly.js": "由 Plotly.js 生成", "trace": "数据系列", "new text": "新文本",
    "max:": "最大值:", "min:": "最小值:", "mean:": "平均值:", "median:": "中位数:"
  }, Object.assign({shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"]}, common));
  locale("zh-TW", {
    "Autoscale": "自動縮放", "Box Select": "框選", "Lasso Select": "套索選取", "Pan": "平移",
    "Zoom": "縮放", "Zoom in": "放大", "Zoom out": "縮小", "Reset axes": "重設座標軸", "Reset": "重設",
    "Reset view": "重設檢視", "Reset views": "重設檢視", "Download plot as a png": "下載圖表",
    "Download plot as a PNG": "下載圖表", "Download plot": "下載圖表",
    "Compare data on hover": "懸停時比較資料", "Show closest data on hover": "懸停時顯示最近的資料",
    "Toggle Spike Lines": "顯示/隱藏輔助線", "Toggle show closest data on hover": "切換懸停顯示最近的資料",
    "Double-click to zoom back out": "按兩下還原縮放", "Double-click on legend to isolate one trace": "按兩下圖例只看這一項",
    "Snapshot succeeded": "截圖成功", "Taking snapshot - this may take a few seconds": "正在截圖，請稍候",
    "Sorry, there was a problem downloading your snapshot!": "抱歉，截圖下載失敗！",
    "Produced with Plotly.js": "由 Plotly.js 產生", "trace": "資料系列", "new text": "新文字",
    "max:": "最大值:", "min:": "最小值:", "mean:": "平均值:", "median:": "中位數:"
  }, Object.assign({shortDays: ["週日", "週一", "週二", "週三", "週四", "週五", "週六"]}, common));
})();
