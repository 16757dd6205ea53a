<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <source> (missing)</source>
        <translation>（缺失）</translation>
    </message>
    <message>
        <source>&lt;p&gt;Loaded now: {model}&lt;/p&gt;</source>
        <translation>&lt;p&gt;当前已加载：{model}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Offline chat that shows why the model said each word.&lt;/p&gt;</source>
        <translation>&lt;p&gt;离线聊天，并让你看到模型为什么说出每一个词。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;llama.cpp ggml {ggml} (commit {commit}) via llama-cpp-python {version}; backends: {backends}&lt;/p&gt;</source>
        <translation>&lt;p&gt;llama.cpp ggml {ggml}（提交 {commit}），通过 llama-cpp-python {version}；后端：{backends}&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Bundled models:&lt;/p&gt;</source>
        <translation>&lt;p&gt;随附的模型：&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Data folder: {path}&lt;/p&gt;</source>
        <translation>&lt;p&gt;数据文件夹：{path}&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>AddServerDialog</name>
    <message>
        <source>Add server</source>
        <translation>添加服务器</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>&amp;Probe</source>
        <translation>探测(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Trust this server&apos;s certificate…</source>
        <translation>信任此服务器的证书(&amp;T)…</translation>
    </message>
    <message>
        <source>Inkling asks the server once what it is and what it can do.</source>
        <translation>Inkling 会询问服务器一次：它是什么、能做什么。</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>名称(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>地址(&amp;A)</translation>
    </message>
    <message>
        <source>API &amp;key</source>
        <translation>API 密钥(&amp;K)</translation>
    </message>
    <message>
        <source>A server named “{name}” exists already.</source>
        <translation>已经有名为“{name}”的服务器了。</translation>
    </message>
    <message>
        <source>Asking {address}…</source>
        <translation>正在询问 {address}…</translation>
    </message>
    <message>
        <source>Probe failed: {error}</source>
        <translation>探测失败：{error}</translation>
    </message>
    <message>
        <source>{kind} · models: {models}</source>
        <translation>{kind} · 模型：{models}</translation>
    </message>
    <message>
        <source>Its own certificate, trusted for this server only: {fingerprint}</source>
        <translation>其自有证书，仅对此服务器信任：{fingerprint}</translation>
    </message>
    <message>
        <source>Trust this certificate?</source>
        <translation>信任此证书？</translation>
    </message>
    <message>
        <source>The server shows a certificate that no authority vouches for. Its SHA-256 fingerprint is

{fingerprint}

Compare it with the one on the server (openssl x509 -noout -fingerprint -sha256 -in cert.pem). Trust it for this server only? If the certificate changes later, Inkling refuses the server again.</source>
        <translation>服务器出示的证书没有任何机构为其担保。其 SHA-256 指纹为

{fingerprint}

请与服务器上的指纹比对（openssl x509 -noout -fingerprint -sha256 -in cert.pem）。仅对此服务器信任它吗？若证书日后改变，Inkling 会再次拒绝该服务器。</translation>
    </message>
</context>
<context>
    <name>BackupNotices</name>
    <message>
        <source>The daily backup failed: {error}</source>
        <translation>每日备份失败：{error}</translation>
    </message>
</context>
<context>
    <name>BranchNavigator</name>
    <message>
        <source>Previous branch</source>
        <translation>上一个分支</translation>
    </message>
    <message>
        <source>Next branch</source>
        <translation>下一个分支</translation>
    </message>
</context>
<context>
    <name>BudgetMeter</name>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>笔记</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Reply room</source>
        <translation>回复空间</translation>
    </message>
    <message>
        <source>The chat template&apos;s own tokens around the next turn: the markers that open your message and the reply</source>
        <translation>聊天模板在下一轮前后加入的词元：标记你的消息和回复开头的那些记号</translation>
    </message>
    <message>
        <source>Context budget</source>
        <translation>上下文预算</translation>
    </message>
    <message>
        <source>Context budget: waiting for the model…</source>
        <translation>上下文预算：等待模型…</translation>
    </message>
    <message>
        <source>{size} (assumed)</source>
        <translation>{size}（推定）</translation>
    </message>
    <message>
        <source>Reply room {room} / {size}</source>
        <translation>回复空间 {room} / {size}</translation>
    </message>
    <message>
        <source> ≈ estimated</source>
        <translation> ≈ 估计值</translation>
    </message>
    <message>
        <source>{room} of the context&apos;s {size} tokens are left for the reply. {used} tokens of prompt; at least {reserve} are always kept free for the reply (the line on the bar). Notes are an estimate until they are retrieved when you send.</source>
        <translation>上下文的 {size} 个词元中还剩 {room} 个留给回复。提示词占 {used} 个词元；始终至少为回复留出 {reserve} 个（条上的那条线）。笔记部分在发送时检索之前只是估计值。</translation>
    </message>
    <message>
        <source> This server cannot count tokens (no /tokenize): every count is an estimate at about 4 bytes a token.</source>
        <translation> 此服务器无法计数词元（没有 /tokenize）：每个计数都是按约 4 字节一个词元的估计值。</translation>
    </message>
    <message>
        <source> The server does not say how large its context is: {size} tokens is a guess until it refuses a longer prompt, and then the size it names is used.</source>
        <translation> 服务器没有说明它的上下文有多大：{size} 个词元只是推定值，直到它拒绝一个更长的提示词，之后就使用它给出的大小。</translation>
    </message>
    <message numerus="yes">
        <source>The conversation no longer fits: sending will leave out the %n oldest turn(s) ({messages} messages): {names}</source>
        <translation>
            <numerusform>对话已经放不下了：发送时将略去最早的 %n 轮（{messages} 条消息）：{names}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Show earlier messages</source>
        <translation>显示更早的消息</translation>
    </message>
    <message>
        <source>Show {count} earlier messages</source>
        <translation>显示更早的 {count} 条消息</translation>
    </message>
</context>
<context>
    <name>ChromaServerDialog</name>
    <message>
        <source>Notes search index</source>
        <translation>笔记搜索索引</translation>
    </message>
    <message>
        <source>Keep the vector index in this computer&apos;s data folder</source>
        <translation>将向量索引保存在本机的数据文件夹中</translation>
    </message>
    <message>
        <source>Keep the vector index on a Chroma server</source>
        <translation>将向量索引保存在 Chroma 服务器上</translation>
    </message>
    <message>
        <source>kept (leave empty to keep it)</source>
        <translation>已保存（留空则沿用）</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>访问凭据</translation>
    </message>
    <message>
        <source>&amp;Trust this server&apos;s certificate…</source>
        <translation>信任此服务器的证书(&amp;T)…</translation>
    </message>
    <message>
        <source>Your notes stay in notes.db on this computer; the server holds a copy of their vectors, rebuilt from notes.db. Chroma has no sign-in of its own: the token is sent as a bearer header for a proxy in front of it, and kept in the system keyring (or a file only you can read).</source>
        <translation>你的笔记保存在本机的 notes.db 中；服务器只保存其向量的副本，由 notes.db 重建。Chroma 本身没有登录功能：访问凭据以 Bearer 请求头发送给其前面的代理，并保存在系统密钥环中（或只有你能读取的文件中）。</translation>
    </message>
    <message>
        <source>Its own certificate, trusted for this server only: {fingerprint}</source>
        <translation>其自有证书，仅对此服务器信任：{fingerprint}</translation>
    </message>
</context>
<context>
    <name>CompareTab</name>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> 个词元</translation>
    </message>
    <message>
        <source>Reply length</source>
        <translation>回复长度</translation>
    </message>
    <message>
        <source>Each column&apos;s reply stops after this many tokens (a setup&apos;s own max_tokens= wins)</source>
        <translation>每列的回复在这么多个词元后停止（设置里自带的 max_tokens= 优先）</translation>
    </message>
    <message>
        <source>Your newest message answered under each setup (empty ones are left out). Columns on different engines run at the same time.</source>
        <translation>按每种设置回答你的最新消息（空的设置不参与）。不同引擎上的列同时运行。</translation>
    </message>
    <message>
        <source>Finding your notes…</source>
        <translation>正在查找你的笔记…</translation>
    </message>
    <message>
        <source>{done} of {total} columns done…</source>
        <translation>已完成 {done} / {total} 列…</translation>
    </message>
    <message>
        <source>Running… {count} tokens</source>
        <translation>运行中… {count} 个词元</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <source>Keep as a branch</source>
        <translation>保存为分支</translation>
    </message>
    <message>
        <source>mean log-prob {mean}, perplexity {perplexity}</source>
        <translation>平均对数概率 {mean}，困惑度 {perplexity}</translation>
    </message>
    <message>
        <source>no tokens</source>
        <translation>没有词元</translation>
    </message>
    <message>
        <source>, {count} notes in its prompt</source>
        <translation>，提示词中有 {count} 条笔记</translation>
    </message>
    <message>
        <source>, {count} tokens, {finish}</source>
        <translation>，{count} 个词元，{finish}</translation>
    </message>
    <message>
        <source>The answers never part: every column drew the same tokens.</source>
        <translation>各个回答从未分开：每一列抽中的词元都相同。</translation>
    </message>
    <message>
        <source>[{label}] had ended</source>
        <translation>[{label}] 已结束</translation>
    </message>
    <message>
        <source>[{label}] drew {token} ({probability}) as token {n}; the model&apos;s top: {top}</source>
        <translation>[{label}] 在第 {n} 个词元抽中 {token}（{probability}）；模型的前几名：{top}</translation>
    </message>
    <message>
        <source>The answers part at token {n}:</source>
        <translation>各个回答在第 {n} 个词元处分开：</translation>
    </message>
    <message>
        <source>The answers part here:</source>
        <translation>各个回答在这里分开：</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message Inkling…  (Enter to send, Shift+Enter for a new line)</source>
        <translation>给 Inkling 发消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
</context>
<context>
    <name>ConversationFiles</name>
    <message>
        <source>&amp;Export conversation…</source>
        <translation>导出对话(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Import conversations…</source>
        <translation>导入对话(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Restore from backup…</source>
        <translation>从备份恢复(&amp;R)…</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Markdown, the branch shown (*.md);;JSON, every branch with token data (*.json)</source>
        <translation>Markdown，当前显示的分支 (*.md);;JSON，所有分支及词元数据 (*.json)</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>Exported “{title}” to {path}.</source>
        <translation>已将「{title}」导出到 {path}。</translation>
    </message>
    <message>
        <source>Import conversations</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <source>Inkling exports (*.json *.zip);;All files (*)</source>
        <translation>Inkling 导出文件 (*.json *.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>New chat</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>New notebook</source>
        <translation>新建笔记本</translation>
    </message>
    <message>
        <source>Recent activity</source>
        <translation>最近活动</translation>
    </message>
    <message>
        <source>Newest first</source>
        <translation>最新创建</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>删除对话</translation>
    </message>
    <message>
        <source>pinned</source>
        <translation>已置顶</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Pin to top</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
</context>
<context>
    <name>ConversationTools</name>
    <message>
        <source>Sort conversations by</source>
        <translation>对话排序方式</translation>
    </message>
    <message>
        <source>Editing an earlier message: sending starts a new branch (the old one is kept).</source>
        <translation>正在编辑较早的消息：发送后会开始一条新分支（原来的分支会保留）。</translation>
    </message>
    <message>
        <source>Cancel edit</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>撤销删除</translation>
    </message>
    <message>
        <source>&amp;Search all conversations</source>
        <translation>搜索全部对话(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Undo delete</source>
        <translation>撤销删除(&amp;U)</translation>
    </message>
    <message>
        <source>Context budget unavailable: {reason}</source>
        <translation>无法计算上下文预算：{reason}</translation>
    </message>
    <message>
        <source>Wait for the reply being written to finish (or stop it) first.</source>
        <translation>请先等待正在生成的回复结束（或停止它）。</translation>
    </message>
    <message>
        <source>Cannot continue this reply</source>
        <translation>无法继续此回复</translation>
    </message>
    <message>
        <source>Cannot do that</source>
        <translation>无法这样做</translation>
    </message>
    <message>
        <source>Cannot delete</source>
        <translation>无法删除</translation>
    </message>
    <message>
        <source>Message deleted.</source>
        <translation>消息已删除。</translation>
    </message>
    <message>
        <source>Conversation “{title}” deleted.</source>
        <translation>已删除对话“{title}”。</translation>
    </message>
    <message>
        <source>Cannot undo</source>
        <translation>无法撤销</translation>
    </message>
    <message>
        <source>Cannot duplicate</source>
        <translation>无法复制</translation>
    </message>
    <message>
        <source>Message copied as Markdown.</source>
        <translation>已将消息复制为 Markdown。</translation>
    </message>
    <message>
        <source>Message copied.</source>
        <translation>已复制消息。</translation>
    </message>
</context>
<context>
    <name>EngineChoice</name>
    <message>
        <source>This conversation&apos;s model file is gone ({path}); it continues with the model loaded.</source>
        <translation>此对话的模型文件已不存在（{path}）；将继续使用已加载的模型。</translation>
    </message>
    <message>
        <source>This conversation&apos;s server cannot be used: {error}</source>
        <translation>无法使用此对话的服务器：{error}</translation>
    </message>
</context>
<context>
    <name>EngineMenu</name>
    <message>
        <source>This laptop (in-process model)</source>
        <translation>本机（进程内模型）</translation>
    </message>
    <message>
        <source>&amp;Add server…</source>
        <translation>添加服务器(&amp;A)…</translation>
    </message>
    <message>
        <source>Added {name}: choose it in the Engine menu to chat through it.</source>
        <translation>已添加 {name}：在“引擎”菜单中选择它，即可通过它聊天。</translation>
    </message>
</context>
<context>
    <name>EngineWorker</name>
    <message>
        <source>No model is loaded. Open one with File → Open model….</source>
        <translation>尚未加载模型。请用 文件 → 打开模型… 打开一个。</translation>
    </message>
</context>
<context>
    <name>ExamplesDialog</name>
    <message>
        <source>Input (as if you wrote it)</source>
        <translation>输入（就像你写的）</translation>
    </message>
    <message>
        <source>Output (as if the model answered)</source>
        <translation>输出（就像模型回答的）</translation>
    </message>
    <message>
        <source>Add an example</source>
        <translation>添加示例</translation>
    </message>
    <message>
        <source>Few-shot examples: each pair goes into the prompt before your message, in this order.</source>
        <translation>少样本示例：每一对按此顺序放在你的消息之前，进入提示词。</translation>
    </message>
    <message>
        <source>Remove this example</source>
        <translation>删除这个示例</translation>
    </message>
</context>
<context>
    <name>FileTypesDialog</name>
    <message>
        <source>Import folder</source>
        <translation>导入文件夹</translation>
    </message>
    <message>
        <source>Import these file types from {folder} and its subfolders:</source>
        <translation>从 {folder} 及其子文件夹导入这些类型的文件：</translation>
    </message>
</context>
<context>
    <name>Glossary</name>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>The token&apos;s probability under the model, before any sampler setting: how likely the model itself found it.</source>
        <translation>这个词元在模型下的概率，未经任何采样设置：模型本身认为它有多大可能。</translation>
    </message>
    <message>
        <source>drawn</source>
        <translation>抽中</translation>
    </message>
    <message>
        <source>The probability the token was drawn with, after the reply&apos;s sampler settings (temperature, top-k, top-p, min-p, repeat penalty). At temperature 0 the most likely token is always drawn (100%).</source>
        <translation>按这条回复的采样设置（温度、top-k、top-p、min-p、重复惩罚）抽中这个词元的概率。温度为 0 时总是抽中最可能的词元（100%）。</translation>
    </message>
    <message>
        <source>entropy</source>
        <translation>熵</translation>
    </message>
    <message>
        <source>How spread out the model&apos;s whole distribution was at that token, in bits: 0 means certain; higher means many tokens were plausible.</source>
        <translation>模型在这个位置上整个分布的分散程度，单位为比特：0 表示完全确定；越高表示有越多词元都说得通。</translation>
    </message>
    <message>
        <source>perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>The reply&apos;s average surprise: e to the minus mean log-probability. 1 means every token was certain; higher means the model was less sure overall.</source>
        <translation>回复的平均“意外程度”：e 的负平均对数概率次方。1 表示每个词元都是确定的；越高表示模型整体越没有把握。</translation>
    </message>
    <message>
        <source>mean log-prob</source>
        <translation>平均对数概率</translation>
    </message>
    <message>
        <source>The average natural log of each token&apos;s model probability (0 is certain, more negative is less likely).</source>
        <translation>每个词元模型概率的自然对数的平均值（0 表示确定，越负表示越不可能）。</translation>
    </message>
    <message>
        <source>what-if</source>
        <translation>假设</translation>
    </message>
    <message>
        <source>The Probabilities panel&apos;s sandbox: how the same position&apos;s alternatives would be weighted at other sampler settings. It never changes the settings of the next reply.</source>
        <translation>“概率”面板里的沙盒：在别的采样设置下，同一位置的各个候选会得到怎样的权重。它不会改变下一条回复的设置。</translation>
    </message>
    <message>
        <source>An estimated figure: for example entropy from a server that returns only the top alternatives.</source>
        <translation>估计值：例如服务器只返回排名靠前的候选时算出的熵。</translation>
    </message>
    <message>
        <source>A space inside a token (tokens often start with one).</source>
        <translation>词元中的空格（词元常以空格开头）。</translation>
    </message>
    <message>
        <source>A line break inside a token.</source>
        <translation>词元中的换行。</translation>
    </message>
    <message>
        <source>A byte token: part of a character that spans several tokens (an emoji, an accented or Chinese character); the character appears once all its bytes have been drawn.</source>
        <translation>字节词元：一个跨越多个词元的字符的一部分（表情符号、带重音的字母或汉字）；它的所有字节都被抽中后，这个字符才会出现。</translation>
    </message>
    <message>
        <source>An alternative the reply&apos;s sampler settings excluded: it could not have been drawn.</source>
        <translation>被这条回复的采样设置排除的候选：它不可能被抽中。</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Reading the probabilities&lt;/h3&gt;&lt;p&gt;Turn on &lt;b&gt;View → Probability heatmap&lt;/b&gt; (Ctrl+H): every token of a reply is coloured by its probability (the legend above the transcript says which). Click a token to see it in the &lt;b&gt;Probabilities&lt;/b&gt; panel: its probabilities, the entropy and the top alternatives. Click an alternative to continue the reply from it as a new branch (‹ 1/2 › switches between branches).&lt;/p&gt;</source>
        <translation>&lt;h3&gt;如何读懂概率&lt;/h3&gt;&lt;p&gt;打开&lt;b&gt;视图 → 概率热力图&lt;/b&gt;（Ctrl+H）：回复中的每个词元都按它的概率着色（对话上方的图例说明用的是哪种概率）。点击一个词元，就能在&lt;b&gt;概率&lt;/b&gt;面板中看到它：它的各项概率、熵和主要候选。点击一个候选，回复会从它开始作为新分支接着写（‹ 1/2 › 在分支之间切换）。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Under each reply, &lt;b&gt;Confidence&lt;/b&gt; gives the mean log-prob, the perplexity and the least confident words.&lt;/p&gt;</source>
        <translation>&lt;p&gt;每条回复下方的&lt;b&gt;置信度&lt;/b&gt;给出平均对数概率、困惑度，以及模型最没有把握的几个词。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>HeatmapLegend</name>
    <message>
        <source>Each token of a reply is coloured by its probability under the model</source>
        <translation>回复中的每个词元都按模型给它的概率着色</translation>
    </message>
</context>
<context>
    <name>HelpMenu</name>
    <message>
        <source>&amp;Reading the probabilities</source>
        <translation>如何阅读概率(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;About Inkling</source>
        <translation>关于 Inkling(&amp;A)</translation>
    </message>
    <message>
        <source>Reading the probabilities</source>
        <translation>如何读懂概率</translation>
    </message>
    <message>
        <source>About Inkling</source>
        <translation>关于 Inkling</translation>
    </message>
</context>
<context>
    <name>ImportController</name>
    <message>
        <source>Cancel import</source>
        <translation>取消导入</translation>
    </message>
    <message>
        <source>An import is already running: wait for it, or cancel it.</source>
        <translation>已有一个导入正在进行：请等它完成，或取消它。</translation>
    </message>
    <message>
        <source>Importing {name}…</source>
        <translation>正在导入 {name}…</translation>
    </message>
    <message>
        <source>Import cancelled: nothing was added.</source>
        <translation>导入已取消：没有添加任何内容。</translation>
    </message>
    <message>
        <source>Cannot import</source>
        <translation>无法导入</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n conversation(s) from {name}.</source>
        <translation>
            <numerusform>已从 {name} 导入 %n 个对话。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LabController</name>
    <message>
        <source>The message this run answered was deleted: its replies cannot be kept as a branch.</source>
        <translation>这次运行所回答的消息已被删除：它的回复无法保存为分支。</translation>
    </message>
    <message>
        <source>Kept as a new branch of the conversation.</source>
        <translation>已作为对话的一条新分支保存。</translation>
    </message>
    <message>
        <source>{name} (this laptop)</source>
        <translation>{name}（本机）</translation>
    </message>
    <message>
        <source>{name} (server)</source>
        <translation>{name}（服务器）</translation>
    </message>
    <message>
        <source>{name} ({source})</source>
        <translation>{name}（{source}）</translation>
    </message>
    <message>
        <source>Your notes could not be searched: {message}</source>
        <translation>无法搜索你的笔记：{message}</translation>
    </message>
</context>
<context>
    <name>LabDialog</name>
    <message>
        <source>below the top {count}</source>
        <translation>在前 {count} 名之外</translation>
    </message>
    <message>
        <source>Lab</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>How likely is this?</source>
        <translation>这有多大可能？</translation>
    </message>
    <message>
        <source>Sample many</source>
        <translation>多次采样</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Run again</source>
        <translation>再运行一次</translation>
    </message>
    <message>
        <source>The shown run again, from the prompt tokens, settings and seeds it recorded</source>
        <translation>按记录下的提示词词元、设置和随机种子，把显示的这次运行再跑一遍</translation>
    </message>
    <message>
        <source>Kept runs (double-click to reopen)</source>
        <translation>保存的运行（双击重新打开）</translation>
    </message>
    <message>
        <source>One text per line, e.g.
Paris
Lyon
Marseille</source>
        <translation>每行一段文本，例如：
北京
上海
广州</translation>
    </message>
    <message>
        <source>Exact (a token at a time, as generation computes them; slower)</source>
        <translation>精确（像生成时一样逐个词元计算；较慢）</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Log-prob</source>
        <translation>对数概率</translation>
    </message>
    <message>
        <source>Perplexity</source>
        <translation>困惑度</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>词元数</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>词元</translation>
    </message>
    <message>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Top alternatives</source>
        <translation>主要候选</translation>
    </message>
    <message>
        <source>How probable does the model find each text as the reply to your newest message?</source>
        <translation>把每段文本当作对你最新一条消息的回复，模型认为它的概率有多大？</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Replies</source>
        <translation>回复数</translation>
    </message>
    <message>
        <source>tokens each</source>
        <translation>每条词元数</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Keep the selected answer as a branch</source>
        <translation>把选中的回答保存为分支</translation>
    </message>
    <message>
        <source>Model probability</source>
        <translation>模型概率</translation>
    </message>
    <message>
        <source>Drawn</source>
        <translation>抽中</translation>
    </message>
    <message>
        <source>Sampler probability</source>
        <translation>采样器概率</translation>
    </message>
    <message>
        <source>Replies to your newest message at the Sampling panel&apos;s settings, each with its own seed.</source>
        <translation>按“采样”面板的设置回复你最新的一条消息，每条回复用各自的随机种子。</translation>
    </message>
    <message>
        <source>The selected answer, token by token (click one to see what the replies drew there):</source>
        <translation>选中的回答，逐个词元（点击一个，查看各条回复在那里抽中了什么）：</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>正在运行…</translation>
    </message>
    <message>
        <source>Write at least one text to score.</source>
        <translation>请至少写一段要评分的文本。</translation>
    </message>
    <message>
        <source>{done} of {total} done…</source>
        <translation>已完成 {done}/{total}…</translation>
    </message>
    <message>
        <source>Done; kept under this conversation.</source>
        <translation>完成；已保存在这个对话下。</translation>
    </message>
    <message>
        <source>Token {position}: all {total} replies start here.</source>
        <translation>第 {position} 个词元：全部 {total} 条回复都从这里开始。</translation>
    </message>
    <message>
        <source>Token {position}, after “{before}”: {sharing} of {total} replies began this way.</source>
        <translation>第 {position} 个词元，在“{before}”之后：{total} 条回复中有 {sharing} 条以这样开头。</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
</context>
<context>
    <name>LibraryController</name>
    <message>
        <source>Sampling set from {name}&apos;s defaults: {values} (Model library to change them).</source>
        <translation>采样设置已改为 {name} 的默认值：{values}（可在模型库中修改）。</translation>
    </message>
    <message>
        <source>Use a model already on this computer: {count} found</source>
        <translation>使用这台电脑上已有的模型：找到 {count} 个</translation>
    </message>
    <message>
        <source>In {sources}. The model library (Ctrl+M) shows what each one is and whether it fits; nothing is copied or moved.</source>
        <translation>位于 {sources}。模型库（Ctrl+M）会说明每个模型是什么、能否装得下；不会复制或移动任何文件。</translation>
    </message>
    <message>
        <source>Models found on this computer: {count}. Model → Model library (Ctrl+M) shows them.</source>
        <translation>在这台电脑上找到的模型：{count} 个。模型 → 模型库（Ctrl+M）会列出它们。</translation>
    </message>
    <message>
        <source>Find the models on this computer</source>
        <translation>查找这台电脑上的模型</translation>
    </message>
    <message>
        <source>The model library (Ctrl+M) looks where LM Studio, Ollama, Jan, GPT4All, llama.cpp and the Hugging Face cache keep GGUF files, and in folders you add.</source>
        <translation>模型库（Ctrl+M）会在 LM Studio、Ollama、Jan、GPT4All、llama.cpp 和 Hugging Face 缓存存放 GGUF 文件的位置查找，也会查找你添加的文件夹。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Inkling</source>
        <translation>Inkling</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>新建对话</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>笔记</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New chat</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Open model…</source>
        <translation>打开模型(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Rename</source>
        <translation>重命名(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>删除(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Stop reply</source>
        <translation>停止回复(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation>笔记(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Engine</source>
        <translation>引擎(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Lab</source>
        <translation>实验(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;How likely is this?…</source>
        <translation>这有多大可能(&amp;H)？…</translation>
    </message>
    <message>
        <source>&amp;Sample many…</source>
        <translation>多次采样(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Compare setups…</source>
        <translation>比较设置(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>The window changes language when the reply being written ends.</source>
        <translation>正在写的回复结束后，窗口会切换语言。</translation>
    </message>
    <message>
        <source>Connecting to {name}: send when it is ready.</source>
        <translation>正在连接 {name}：就绪后再发送。</translation>
    </message>
    <message>
        <source>The layout and an unsaved system prompt were not kept: {error}</source>
        <translation>窗口布局和未保存的系统提示词没能保存：{error}</translation>
    </message>
    <message>
        <source>Lab</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>New notebook</source>
        <translation>新建笔记本</translation>
    </message>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>Cannot use this server</source>
        <translation>无法使用这个服务器</translation>
    </message>
    <message>
        <source>Wait for the reply being written to finish (or stop it) first.</source>
        <translation>请先等待正在生成的回复结束（或停止它）。</translation>
    </message>
    <message>
        <source>Cannot continue from this token</source>
        <translation>无法从这个词元继续</translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit this message: the reply is written again on a new branch</source>
        <translation>编辑这条消息：回复会在一条新分支上重新生成</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Write this reply again, as a new branch</source>
        <translation>重新写这条回复，作为一条新分支</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Continue this reply from its last token (it stopped on an error), as a new branch</source>
        <translation>从最后一个词元继续此回复（它因错误而中断），作为新的分支</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Show exactly what the model read for this reply</source>
        <translation>显示模型为这条回复实际读到的内容</translation>
    </message>
    <message>
        <source>More actions</source>
        <translation>更多操作</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
    <message>
        <source>Copy as Markdown</source>
        <translation>复制为 Markdown</translation>
    </message>
    <message>
        <source>Duplicate conversation from here</source>
        <translation>从这里复制出一个新对话</translation>
    </message>
    <message>
        <source>Delete message and the replies below it</source>
        <translation>删除这条消息及其下方的回复</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>writing…</source>
        <translation>正在写…</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>interrupted: Inkling closed while this was being written</source>
        <translation>已中断：写这条回复时 Inkling 关闭了</translation>
    </message>
    <message>
        <source>error</source>
        <translation>出错</translation>
    </message>
    <message>
        <source>not sent to the model</source>
        <translation>未发送给模型</translation>
    </message>
    <message>
        <source>error: {error}</source>
        <translation>出错：{error}</translation>
    </message>
    <message>
        <source>damaged {parts}: could not be read</source>
        <translation>{parts}已损坏：无法读取</translation>
    </message>
    <message>
        <source> and </source>
        <translation>和</translation>
    </message>
    <message>
        <source>reading the conversation: {done} of {total} tokens</source>
        <translation>正在读取对话：{done} / {total} 个词元</translation>
    </message>
    <message>
        <source>Not sent to the model: the conversation is longer than its context, so the last reply was written without this message.</source>
        <translation>没有发送给模型：对话超出了模型的上下文，所以最后一条回复是在没有这条消息的情况下写的。</translation>
    </message>
</context>
<context>
    <name>ModelLibraryDialog</name>
    <message>
        <source>Model library</source>
        <translation>模型库</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Model → CPU threads ({threads})</source>
        <translation>模型 → CPU 线程数（{threads}）</translation>
    </message>
    <message>
        <source>A number of its own for this model; otherwise it follows Model → CPU threads.</source>
        <translation>为这个模型单独设定的线程数；不设定时跟随 模型 → CPU 线程数。</translation>
    </message>
    <message>
        <source>Inkling&apos;s default system prompt</source>
        <translation>Inkling 的默认系统提示词</translation>
    </message>
    <message>
        <source>Context (tokens)</source>
        <translation>上下文（词元）</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <source>GPU device</source>
        <translation>GPU 设备</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <source>KV cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Default samplers</source>
        <translation>默认采样设置</translation>
    </message>
    <message>
        <source>Default system prompt</source>
        <translation>默认系统提示词</translation>
    </message>
    <message>
        <source>&amp;Rescan</source>
        <translation>重新扫描(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Add folder…</source>
        <translation>添加文件夹(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Save settings</source>
        <translation>保存设置(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Open model</source>
        <translation>打开模型(&amp;O)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>llama.cpp finds no GPU.</source>
        <translation>llama.cpp 没有找到 GPU。</translation>
    </message>
    <message>
        <source>Every device (llama.cpp&apos;s choice)</source>
        <translation>所有设备（由 llama.cpp 选择）</translation>
    </message>
    <message>
        <source>{device} is the only device llama.cpp sees now; choose Every device and restart to see the others.</source>
        <translation>llama.cpp 现在只能看到 {device}；选择“所有设备”并重新启动后才能看到其他设备。</translation>
    </message>
    <message>
        <source>The device takes effect when Inkling starts again.</source>
        <translation>该设备将在 Inkling 下次启动时生效。</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>正在扫描…</translation>
    </message>
    <message>
        <source>Scanning for models…</source>
        <translation>正在扫描模型…</translation>
    </message>
    <message>
        <source>Scanning {place}…</source>
        <translation>正在扫描 {place}…</translation>
    </message>
    <message>
        <source>{count} models</source>
        <translation>{count} 个模型</translation>
    </message>
    <message>
        <source>chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>text completion</source>
        <translation>文本续写</translation>
    </message>
    <message>
        <source>Skipped ({count}) — scanned in {ms} ms</source>
        <translation>已跳过（{count}）— 扫描用时 {ms} 毫秒</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>No model found.</source>
        <translation>没有找到模型。</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>{architecture} · {parameters} parameters · {quantization} · {size} on disk</source>
        <translation>{architecture} · {parameters} 参数 · {quantization} · 占用磁盘 {size}</translation>
    </message>
    <message>
        <source>unknown architecture</source>
        <translation>未知架构</translation>
    </message>
    <message>
        <source>unknown quantization</source>
        <translation>未知量化</translation>
    </message>
    <message>
        <source> in {parts} parts</source>
        <translation>，分为 {parts} 个文件</translation>
    </message>
    <message>
        <source>Trained context: {context} tokens · vocabulary {vocabulary}</source>
        <translation>训练上下文：{context} 个词元 · 词表 {vocabulary}</translation>
    </message>
    <message>
        <source>Mode: chat (template in the file)</source>
        <translation>模式：聊天（文件中带有模板）</translation>
    </message>
    <message>
        <source>Mode: text completion (no chat template)</source>
        <translation>模式：文本续写（没有聊天模板）</translation>
    </message>
    <message>
        <source>License: {license}</source>
        <translation>许可证：{license}</translation>
    </message>
    <message>
        <source>Base model: {model}</source>
        <translation>基础模型：{model}</translation>
    </message>
    <message>
        <source>Vision projector beside it: {names} (not used by Inkling)</source>
        <translation>旁边有视觉投影文件：{names}（Inkling 不使用）</translation>
    </message>
    <message>
        <source>Loaded now; llama.cpp used: {runtime}</source>
        <translation>当前已加载；llama.cpp 使用：{runtime}</translation>
    </message>
    <message>
        <source>Found at:</source>
        <translation>所在位置：</translation>
    </message>
    <message>
        <source>on: {what}</source>
        <translation>开启：{what}</translation>
    </message>
    <message>
        <source>The file recommends {values}.</source>
        <translation>文件推荐 {values}。</translation>
    </message>
    <message>
        <source>The file recommends none: Inkling&apos;s defaults.</source>
        <translation>文件没有推荐值：使用 Inkling 的默认值。</translation>
    </message>
    <message>
        <source>The Sampling panel starts from these when you switch to this model.</source>
        <translation>切换到这个模型时，采样面板会从这些值开始。</translation>
    </message>
    <message>
        <source>Will it fit? {verdict}</source>
        <translation>装得下吗？{verdict}</translation>
    </message>
    <message>
        <source>GPU {name}: about {layers} of {total} layers fit in {free} free (estimated)</source>
        <translation>GPU {name}：{total} 层中大约有 {layers} 层能放进 {free} 的可用显存（估计值）</translation>
    </message>
    <message>
        <source>Model settings</source>
        <translation>模型设置</translation>
    </message>
    <message>
        <source>Reload model</source>
        <translation>重新加载模型</translation>
    </message>
    <message>
        <source>These settings take effect when {name} is loaded again. Reload it now?</source>
        <translation>这些设置在重新加载 {name} 后生效。现在重新加载吗？</translation>
    </message>
    <message>
        <source>Add a folder of GGUF models</source>
        <translation>添加存放 GGUF 模型的文件夹</translation>
    </message>
    <message>
        <source>Bundled</source>
        <translation>随附</translation>
    </message>
    <message>
        <source>Opened before</source>
        <translation>打开过的</translation>
    </message>
    <message>
        <source>Added folder</source>
        <translation>添加的文件夹</translation>
    </message>
</context>
<context>
    <name>ModelLoader</name>
    <message>
        <source>No model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>&amp;Bundled models</source>
        <translation>随附的模型(&amp;B)</translation>
    </message>
    <message>
        <source>base model: notebook</source>
        <translation>基础模型：笔记本</translation>
    </message>
    <message>
        <source>Model &amp;library…</source>
        <translation>模型库(&amp;L)…</translation>
    </message>
    <message>
        <source>&amp;Cancel loading</source>
        <translation>取消加载(&amp;C)</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>Connecting to {name}…</source>
        <translation>正在连接 {name}…</translation>
    </message>
    <message>
        <source>CPU threads: {threads}, from the next model loaded.</source>
        <translation>CPU 线程数：{threads}，从下一次加载模型起生效。</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>{name} keeps its own {own} threads (Model library); other models use this choice.</source>
        <translation>{name} 保留它自己的 {own} 个线程（在模型库中设置）；其他模型使用这个选择。</translation>
    </message>
    <message>
        <source>llama.cpp used: {runtime}</source>
        <translation>llama.cpp 使用：{runtime}</translation>
    </message>
    <message>
        <source>Opening {name} instead.</source>
        <translation>改为打开 {name}。</translation>
    </message>
    <message>
        <source>No model: open one with File → Open model…</source>
        <translation>未加载模型：请用 文件 → 打开模型… 打开一个</translation>
    </message>
    <message>
        <source>{name} is still loaded.</source>
        <translation>当前仍在使用 {name}。</translation>
    </message>
    <message>
        <source>Cannot open model</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <source>chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <source>text completion (no chat template)</source>
        <translation>文本续写（没有聊天模板）</translation>
    </message>
</context>
<context>
    <name>NotebookController</name>
    <message>
        <source>Wait for the text being written to finish (or stop it) first.</source>
        <translation>请先等待正在生成的文本结束（或停止它）。</translation>
    </message>
    <message>
        <source>A chat model answers the document as a message; a base model continues it (Model → Bundled models).</source>
        <translation>聊天模型会把文档当作一条消息来回答；基础模型会接着写下去（模型 → 随附的模型）。</translation>
    </message>
</context>
<context>
    <name>NotebookView</name>
    <message>
        <source>Write the start of a document (a story, a list, a few examples of a pattern) and press Tab: the model writes on from where the text ends.</source>
        <translation>写下一篇文档的开头（一个故事、一份清单、几个同一格式的例子），然后按 Tab：模型会从文本结尾处接着写。</translation>
    </message>
    <message>
        <source>Continue ⇥</source>
        <translation>继续 ⇥</translation>
    </message>
    <message>
        <source>The model writes on from the end of the document (Tab)</source>
        <translation>模型从文档末尾接着写（Tab）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>reading the document: {done} of {total} tokens</source>
        <translation>正在读取文档：{done} / {total} 个词元</translation>
    </message>
    <message>
        <source>error: {error}</source>
        <translation>出错：{error}</translation>
    </message>
    <message>
        <source>{count} tokens continued</source>
        <translation>已续写 {count} 个词元</translation>
    </message>
</context>
<context>
    <name>NotesController</name>
    <message>
        <source>Notes (*.txt *.md *.markdown *.pdf *.html *.htm);;All files (*)</source>
        <translation>笔记 (*.txt *.md *.markdown *.pdf *.html *.htm);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Use notes</source>
        <translation>使用笔记</translation>
    </message>
    <message>
        <source>Ground this conversation&apos;s answers on your notes (Notes panel)</source>
        <translation>让这个对话的回答以你的笔记为依据（笔记面板）</translation>
    </message>
    <message>
        <source>Repair damaged notes…</source>
        <translation>修复损坏的笔记…</translation>
    </message>
    <message>
        <source>&amp;New note</source>
        <translation>新建笔记(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Import files…</source>
        <translation>导入文件(&amp;I)…</translation>
    </message>
    <message>
        <source>Import &amp;folder…</source>
        <translation>导入文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Rebuild search index</source>
        <translation>重建搜索索引(&amp;R)</translation>
    </message>
    <message>
        <source>Use a &amp;Chroma server…</source>
        <translation>使用 Chroma 服务器(&amp;C)…</translation>
    </message>
    <message>
        <source>Checking imported folders for changes</source>
        <translation>正在检查导入的文件夹有无变化</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>The damaged notes file was kept as {name}, beside the new one.</source>
        <translation>损坏的笔记文件已保留为 {name}，就在新文件旁边。</translation>
    </message>
    <message>
        <source> In this window: Notes → Repair damaged notes…</source>
        <translation>在这个窗口中：笔记 → 修复损坏的笔记…</translation>
    </message>
    <message>
        <source>{message} Chat works without them.</source>
        <translation>{message}没有笔记也可以聊天。</translation>
    </message>
    <message>
        <source>Indexing {what}: {percent}%</source>
        <translation>正在索引 {what}：{percent}%</translation>
    </message>
    <message>
        <source>Notes: {message}</source>
        <translation>笔记：{message}</translation>
    </message>
    <message>
        <source>A note needs some text.</source>
        <translation>笔记需要有一些文字。</translation>
    </message>
    <message numerus="yes">
        <source>Note “{title}” saved (%n chunk(s)).</source>
        <translation>
            <numerusform>笔记“{title}”已保存（%n 个片段）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Search index rebuilt from your notes: %n chunk(s).</source>
        <translation>
            <numerusform>已根据你的笔记重建搜索索引：%n 个片段。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The notes&apos; search index is in this computer&apos;s data folder again (%n chunk(s)).</source>
        <translation>
            <numerusform>笔记的搜索索引已回到本机的数据文件夹（%n 个片段）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The notes&apos; search index is now on {url}: %n chunk(s) pushed from your notes.</source>
        <translation>
            <numerusform>笔记的搜索索引现在位于 {url}：已从你的笔记推送 %n 个片段。</numerusform>
        </translation>
    </message>
    <message>
        <source>Saving the note</source>
        <translation>正在保存笔记</translation>
    </message>
    <message>
        <source>Remove folder</source>
        <translation>移除文件夹</translation>
    </message>
    <message>
        <source>Stop syncing {path} and remove its notes from Inkling? The files stay on disk.</source>
        <translation>停止同步 {path} 并把它的笔记从 Inkling 中移除吗？磁盘上的文件保持不变。</translation>
    </message>
    <message>
        <source>Removing the folder</source>
        <translation>正在移除文件夹</translation>
    </message>
    <message>
        <source>Removed {path}.</source>
        <translation>已移除 {path}。</translation>
    </message>
    <message>
        <source>Delete note</source>
        <translation>删除笔记</translation>
    </message>
    <message>
        <source>Delete the note “{title}”?</source>
        <translation>删除笔记「{title}」吗？</translation>
    </message>
    <message>
        <source>Deleting the note</source>
        <translation>正在删除笔记</translation>
    </message>
    <message>
        <source>Deleted “{title}”.</source>
        <translation>已删除“{title}”。</translation>
    </message>
    <message>
        <source>Import files as notes</source>
        <translation>把文件导入为笔记</translation>
    </message>
    <message>
        <source>Import a folder of notes</source>
        <translation>导入一个笔记文件夹</translation>
    </message>
    <message>
        <source>Importing {name}</source>
        <translation>正在导入 {name}</translation>
    </message>
    <message>
        <source>Syncing {name}</source>
        <translation>正在同步 {name}</translation>
    </message>
    <message>
        <source>Rebuilding the search index</source>
        <translation>正在重建搜索索引</translation>
    </message>
    <message>
        <source>Moving the search index</source>
        <translation>正在迁移搜索索引</translation>
    </message>
    <message>
        <source>That note no longer exists.</source>
        <translation>这条笔记已经不存在了。</translation>
    </message>
    <message>
        <source>Notes could not be searched: {message}</source>
        <translation>无法搜索笔记：{message}</translation>
    </message>
    <message>
        <source>Sources: damaged, they could not be read.</source>
        <translation>来源：已损坏，无法读取。</translation>
    </message>
    <message>
        <source>Notes folders: {summary}.</source>
        <translation>笔记文件夹：{summary}。</translation>
    </message>
</context>
<context>
    <name>NotesIndexer</name>
    <message>
        <source>Notes are unavailable: {error}</source>
        <translation>笔记不可用：{error}</translation>
    </message>
    <message>
        <source>Notes are unavailable.</source>
        <translation>笔记不可用。</translation>
    </message>
</context>
<context>
    <name>NotesPanel</name>
    <message>
        <source>indexed, with a warning</source>
        <translation>已索引（有警告）</translation>
    </message>
    <message>
        <source>indexed</source>
        <translation>已索引</translation>
    </message>
    <message>
        <source>error: {reason}</source>
        <translation>出错：{reason}</translation>
    </message>
    <message>
        <source>cancelled: {reason}</source>
        <translation>已取消：{reason}</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>indexing…</source>
        <translation>正在索引…</translation>
    </message>
    <message>
        <source>Search notes…</source>
        <translation>搜索笔记…</translation>
    </message>
    <message>
        <source>New note</source>
        <translation>新建笔记</translation>
    </message>
    <message>
        <source>Import files…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <source>Import folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Chunks</source>
        <translation>片段数</translation>
    </message>
    <message>
        <source>Last indexed</source>
        <translation>上次索引</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Write a note (markdown allowed), then Save.</source>
        <translation>写一条笔记（可以用 Markdown），然后保存。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Chunks that match the question less than this (cosine similarity) are left out.</source>
        <translation>与问题的匹配度（余弦相似度）低于这个值的片段不会使用。</translation>
    </message>
    <message>
        <source>Sources per answer</source>
        <translation>每个回答的来源数</translation>
    </message>
    <message>
        <source>min. score</source>
        <translation>最低分数</translation>
    </message>
    <message>
        <source>kept in sync; file types: {types}</source>
        <translation>保持同步；文件类型：{types}</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>分数</translation>
    </message>
    <message>
        <source>Chunk</source>
        <translation>片段</translation>
    </message>
    <message>
        <source>Snippet</source>
        <translation>摘录</translation>
    </message>
    <message>
        <source>No matching notes</source>
        <translation>没有匹配的笔记</translation>
    </message>
    <message>
        <source>typed note</source>
        <translation>手写笔记</translation>
    </message>
    <message numerus="yes">
        <source>folder, %n file(s)</source>
        <translation>
            <numerusform>文件夹，%n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <source> (in an imported folder: edit or delete the file itself)</source>
        <translation>（位于导入的文件夹中：请直接编辑或删除文件本身）</translation>
    </message>
    <message>
        <source>Delete removes the folder and its notes from Inkling; the files stay on disk.</source>
        <translation>删除会把这个文件夹及其笔记从 Inkling 中移除；磁盘上的文件保持不变。</translation>
    </message>
</context>
<context>
    <name>ProbabilityPanel</name>
    <message>
        <source>Select a token: turn on the heatmap (Ctrl+H) and click a token of a reply.</source>
        <translation>选择一个词元：打开热力图（Ctrl+H），然后点击回复中的一个词元。</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>repeat penalty {value}</source>
        <translation>重复惩罚 {value}</translation>
    </message>
    <message>
        <source>  (end of text)</source>
        <translation>  （文本结束）</translation>
    </message>
    <message>
        <source>The token&apos;s probability under the model, before any sampler setting</source>
        <translation>这个词元在模型下的概率，未经任何采样设置</translation>
    </message>
    <message>
        <source>The probability it was drawn with, after the reply&apos;s sampler settings</source>
        <translation>按这条回复的采样设置，实际抽中它的概率</translation>
    </message>
    <message>
        <source>How spread out the model&apos;s whole distribution was here (0 bits: certain)</source>
        <translation>模型在这一步的整个分布有多分散（0 比特：完全确定）</translation>
    </message>
    <message>
        <source>What-if temperature</source>
        <translation>假设温度</translation>
    </message>
    <message>
        <source>Drag to see the distribution another temperature would give here. It starts at the reply&apos;s own and changes nothing else: the next reply uses the Sampling panel.</source>
        <translation>拖动滑块，看看换一个温度时这里会是什么分布。它从这条回复自己的温度开始，不会改变任何别的东西：下一条回复使用采样面板的设置。</translation>
    </message>
    <message>
        <source>Use these settings</source>
        <translation>使用这些设置</translation>
    </message>
    <message>
        <source>Copy the what-if settings (temperature, top-k, top-p, min-p, repeat penalty) to the Sampling panel, for the next reply</source>
        <translation>把假设设置（温度、top-k、top-p、min-p、重复惩罚）复制到采样面板，用于下一条回复</translation>
    </message>
    <message>
        <source>Alternatives: Enter continues the reply from the selected token</source>
        <translation>候选：按 Enter 从选中的词元继续回复</translation>
    </message>
    <message>
        <source>Click an alternative (or press Enter on it) to continue the reply from it as a new branch. ← → move between tokens.</source>
        <translation>点击一个候选（或在它上面按 Enter），从它开始把回复继续写成一条新分支。← → 在词元之间移动。</translation>
    </message>
    <message>
        <source> · byte {part} of {parts} of “{text}” (together {probability})</source>
        <translation> · “{text}”的第 {part}/{parts} 个字节（合计 {probability}）</translation>
    </message>
    <message>
        <source>Token {position} of {count}</source>
        <translation>第 {position} 个词元，共 {count} 个</translation>
    </message>
    <message>
        <source> · put here by you (branch point)</source>
        <translation> · 由你放在这里（分支点）</translation>
    </message>
    <message>
        <source>model {probability}</source>
        <translation>模型 {probability}</translation>
    </message>
    <message>
        <source>drawn: chosen by you</source>
        <translation>抽中：由你选择</translation>
    </message>
    <message>
        <source>drawn {probability}</source>
        <translation>抽中 {probability}</translation>
    </message>
    <message>
        <source>entropy ≥ {bits} bits (estimated from the top {count})</source>
        <translation>熵 ≥ {bits} 比特（由前 {count} 个候选估计）</translation>
    </message>
    <message>
        <source>entropy {bits} bits</source>
        <translation>熵 {bits} 比特</translation>
    </message>
    <message>
        <source> (not recorded for this reply: left out ≈)</source>
        <translation>（这条回复没有记录：已略去 ≈）</translation>
    </message>
    <message>
        <source>Reply: {settings}</source>
        <translation>回复：{settings}</translation>
    </message>
    <message>
        <source>The settings the reply was generated with; ✕ marks the alternatives they excluded. </source>
        <translation>生成这条回复时的设置；✕ 标出被这些设置排除的候选。</translation>
    </message>
    <message>
        <source>This reply was written before Inkling recorded what the repeat penalty needs, so the what-if and the marks leave it out: they are estimates.</source>
        <translation>这条回复写于 Inkling 开始记录重复惩罚所需信息之前，所以假设分布和标记都没有计入它：它们是估计值。</translation>
    </message>
    <message>
        <source> ≈ estimated</source>
        <translation> ≈ 估计值</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>what-if ({settings})</source>
        <translation>假设（{settings}）</translation>
    </message>
    <message>
        <source>What-if: the distribution the sampler would draw from at these settings (the reply&apos;s own, at the what-if temperature).</source>
        <translation>假设：在这些设置下采样器会从中抽取的分布（这条回复自己的设置，温度用假设温度）。</translation>
    </message>
    <message>
        <source> Estimated: the stored alternatives end before the sampler&apos;s cut, so the unseen rest of the vocabulary is assumed as likely as the last stored token.</source>
        <translation>估计值：保存的候选在采样器的截断点之前就结束了，所以词表中未见到的其余部分按与最后一个保存的词元同样可能来估计。</translation>
    </message>
    <message>
        <source>{token} (id {id}): click or Enter to continue from it</source>
        <translation>{token}（id {id}）：点击或按 Enter，从它接着写</translation>
    </message>
    <message>
        <source>everything else</source>
        <translation>其余所有词元</translation>
    </message>
</context>
<context>
    <name>PromptInspector</name>
    <message>
        <source>Choose “Prompt” on a reply to see exactly what the model read.</source>
        <translation>在一条回复上选择“提示词”，即可看到模型读到的确切内容。</translation>
    </message>
    <message>
        <source>Show tokens</source>
        <translation>显示词元</translation>
    </message>
    <message>
        <source>No prompt was recorded for this reply (it was written before Inkling kept prompts, or it failed before the prompt was built).</source>
        <translation>这条回复没有记录提示词（它写于 Inkling 开始保存提示词之前，或在提示词构建之前就失败了）。</translation>
    </message>
    <message>
        <source>This reply&apos;s prompt cannot be shown: its {error}.</source>
        <translation>无法显示这条回复的提示词：{error}。</translation>
    </message>
    <message>
        <source> · {count} oldest messages left out</source>
        <translation> · 略去了最早的 {count} 条消息</translation>
    </message>
    <message>
        <source> · token boundaries estimated</source>
        <translation> · 词元边界为估计值</translation>
    </message>
    <message>
        <source>Prompt of the reply by {model}: {total} tokens of a {n_ctx}-token context, {reserve} kept for the reply</source>
        <translation>{model} 这条回复的提示词：共 {total} 个词元，上下文 {n_ctx} 个词元，为回复留出 {reserve} 个</translation>
    </message>
    <message>
        <source>the model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Show text</source>
        <translation>显示文本</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <source>Inkling backups (*.db);;All files (*)</source>
        <translation>Inkling 备份 (*.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Inkling cannot open its database</source>
        <translation>Inkling 无法打开它的数据库</translation>
    </message>
    <message>
        <source>{path} is damaged and cannot be opened ({reason}).

Inkling can move it aside — it is renamed, never deleted — and then put back a backup, or start with a new, empty database.</source>
        <translation>{path} 已损坏，无法打开（{reason}）。

Inkling 可以把它移到一旁（只是改名，绝不删除），然后放回一个备份，或者用一个新的空数据库重新开始。</translation>
    </message>
    <message>
        <source>There is no backup in {path} yet.</source>
        <translation>{path} 中还没有备份。</translation>
    </message>
    <message>
        <source>Restore {backup}</source>
        <translation>恢复 {backup}</translation>
    </message>
    <message>
        <source>Restore from backup…</source>
        <translation>从备份恢复…</translation>
    </message>
    <message>
        <source>Start fresh</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <source>Inkling will close, put back {name} and open again. The current database is kept beside it, renamed (…replaced-DATE), never deleted.</source>
        <translation>Inkling 将关闭，放回 {name}，然后重新打开。当前的数据库会改名（…replaced-日期）保留在它旁边，绝不删除。</translation>
    </message>
</context>
<context>
    <name>ReplyController</name>
    <message>
        <source>{n_ctx} (assumed)</source>
        <translation>{n_ctx}（推定）</translation>
    </message>
    <message>
        <source>no token written · context {used} / {n_ctx}</source>
        <translation>未生成词元 · 上下文 {used} / {n_ctx}</translation>
    </message>
    <message>
        <source>{rate} tok/s · TTFT {ttft} ms · context {used} / {n_ctx}</source>
        <translation>{rate} 词元/秒 · 首词元 {ttft} 毫秒 · 上下文 {used} / {n_ctx}</translation>
    </message>
    <message>
        <source>The conversation is longer than the context: the {count} oldest messages were left out.</source>
        <translation>对话超出了上下文：略去了最早的 {count} 条消息。</translation>
    </message>
    <message>
        <source>The reply could not be saved: {error}</source>
        <translation>回复无法保存：{error}</translation>
    </message>
    <message>
        <source>The reply failed: {error}</source>
        <translation>回复失败：{error}</translation>
    </message>
    <message>
        <source>{rate} tok/s · context {used} / {n_ctx}</source>
        <translation>{rate} 词元/秒 · 上下文 {used} / {n_ctx}</translation>
    </message>
</context>
<context>
    <name>ReplySummaryView</name>
    <message>
        <source>Confidence: mean log-prob {mean} · perplexity {perplexity} · {count} tokens</source>
        <translation>置信度：平均对数概率 {mean} · 困惑度 {perplexity} · {count} 个词元</translation>
    </message>
    <message>
        <source>mean log-prob: {mean}
perplexity: {perplexity}</source>
        <translation>平均对数概率：{mean}
困惑度：{perplexity}</translation>
    </message>
    <message>
        <source>Least confident: {links}</source>
        <translation>最没把握：{links}</translation>
    </message>
    <message>
        <source>Click a word to select its least likely token</source>
        <translation>点击一个词，选中其中概率最低的词元</translation>
    </message>
</context>
<context>
    <name>SamplingPanel</name>
    <message>
        <source>How much randomness: 0 always picks the most likely token.</source>
        <translation>随机程度：0 表示总是选最可能的词元。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Keep the smallest set of tokens whose probabilities add up to this.</source>
        <translation>只保留概率加起来达到这个值的最少词元。</translation>
    </message>
    <message>
        <source>Keep only the k most likely tokens (0: off).</source>
        <translation>只保留最可能的 k 个词元（0：关闭）。</translation>
    </message>
    <message>
        <source>Drop tokens less likely than this fraction of the best one.</source>
        <translation>丢弃概率低于最优词元这个比例的词元。</translation>
    </message>
    <message>
        <source>Make recently written tokens less likely (1: off).</source>
        <translation>降低最近写过的词元的概率（1：关闭）。</translation>
    </message>
    <message>
        <source>The same seed and settings give the same reply.</source>
        <translation>相同的随机种子和设置会得到相同的回复。</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
    </message>
    <message>
        <source>The reply stops after this many tokens.</source>
        <translation>回复写到这么多词元后停止。</translation>
    </message>
    <message>
        <source>Reset to defaults</source>
        <translation>恢复默认值</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Max new tokens</source>
        <translation>最多生成词元数</translation>
    </message>
    <message>
        <source>{server} takes OpenAI&apos;s samplers only, not this one: Inkling does not send it, and replies there are sampled without it. The value is kept for the engines that take it.</source>
        <translation>{server} 只接受 OpenAI 的采样设置，不接受这一项：Inkling 不会发送它，那里的回复在采样时不使用它。这个值会保留，供接受它的引擎使用。</translation>
    </message>
    <message>
        <source>This server</source>
        <translation>此服务器</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <source>Search all conversations…</source>
        <translation>搜索全部对话…</translation>
    </message>
    <message>
        <source>No messages match.</source>
        <translation>没有匹配的消息。</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s) (newest first; type more to narrow)</source>
        <translation>
            <numerusform>%n 条消息（最新的在前；再多输入几个字可以缩小范围）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n message(s), newest first</source>
        <translation>
            <numerusform>%n 条消息，最新的在前</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SetupEditor</name>
    <message>
        <source>e.g. temperature=1.5 or system=Answer in one word.</source>
        <translation>例如 temperature=1.5 或 system=用一个词回答。</translation>
    </message>
    <message>
        <source>This window&apos;s model</source>
        <translation>本窗口的模型</translation>
    </message>
    <message>
        <source>Columns on different engines run at the same time; on one engine, one after another</source>
        <translation>不同引擎上的列同时运行；同一引擎上的列依次运行</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>笔记</translation>
    </message>
    <message>
        <source>Put the notes found for your message into this column&apos;s prompt</source>
        <translation>把为你的消息找到的笔记放进这一列的提示词</translation>
    </message>
    <message>
        <source>{name} (this laptop)</source>
        <translation>{name}（本机）</translation>
    </message>
    <message>
        <source>Another model file…</source>
        <translation>其他模型文件…</translation>
    </message>
    <message>
        <source>A model for column {n}</source>
        <translation>第 {n} 列的模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf);;All files (*)</source>
        <translation>GGUF 模型 (*.gguf);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Examples for column {n}</source>
        <translation>第 {n} 列的示例</translation>
    </message>
    <message>
        <source>Examples ({count})…</source>
        <translation>示例（{count}）…</translation>
    </message>
    <message>
        <source>Examples…</source>
        <translation>示例…</translation>
    </message>
    <message>
        <source>No few-shot examples</source>
        <translation>没有少样本示例</translation>
    </message>
</context>
<context>
    <name>SourcesRow</name>
    <message>
        <source>Sources:</source>
        <translation>来源：</translation>
    </message>
    <message>
        <source>&lt;b&gt;{title}&lt;/b&gt; — chunk {chunk}, match {score}</source>
        <translation>&lt;b&gt;{title}&lt;/b&gt; — 第 {chunk} 个片段，匹配度 {score}</translation>
    </message>
    <message>
        <source>Source {n}</source>
        <translation>来源 {n}</translation>
    </message>
</context>
<context>
    <name>StatusLine</name>
    <message>
        <source>context 0 / {n_ctx}</source>
        <translation>上下文 0 / {n_ctx}</translation>
    </message>
</context>
<context>
    <name>SystemPromptPanel</name>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>System prompt preset</source>
        <translation>系统提示词预设</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Instructions the model sees before the conversation (saved with this conversation).</source>
        <translation>模型在对话开始前看到的指令（随本对话保存）。</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <source>This model has no chat template: the system prompt is placed before the text as plain text.</source>
        <translation>这个模型没有聊天模板：系统提示词会作为普通文本放在正文之前。</translation>
    </message>
</context>
<context>
    <name>ThemeController</name>
    <message>
        <source>&amp;System</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
</context>
<context>
    <name>ThreadsMenu</name>
    <message>
        <source>CPU &amp;threads</source>
        <translation>CPU 线程(&amp;T)</translation>
    </message>
    <message>
        <source>Automatic ({count})</source>
        <translation>自动（{count}）</translation>
    </message>
    <message>
        <source>Fewer threads than cores keeps replies fast while other programs are busy: llama.cpp&apos;s threads wait for each other whenever one of them is not running</source>
        <translation>线程比核心少一些，其他程序繁忙时回复也能保持快速：只要 llama.cpp 的某个线程没在运行，其余线程就得等它</translation>
    </message>
    <message numerus="yes">
        <source>Decode with %n thread(s)</source>
        <translation>
            <numerusform>用 %n 个线程解码</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TokenBrowser</name>
    <message>
        <source>Reply tokens coloured by probability</source>
        <translation>按概率着色的回复词元</translation>
    </message>
    <message>
        <source>= product of {count} tokens</source>
        <translation>= {count} 个词元概率之积</translation>
    </message>
</context>
<context>
    <name>TokenInspector</name>
    <message>
        <source>model probability</source>
        <translation>模型概率</translation>
    </message>
    <message>
        <source>Each token is coloured by its probability under the model, before sampling</source>
        <translation>每个词元按模型给它的概率着色（采样之前）</translation>
    </message>
    <message>
        <source>probability it was drawn with</source>
        <translation>抽中概率</translation>
    </message>
    <message>
        <source>Each token is coloured by the probability it was drawn with, after the reply&apos;s sampler settings</source>
        <translation>每个词元按它按这条回复的采样设置被抽中的概率着色</translation>
    </message>
    <message>
        <source>Probability &amp;heatmap</source>
        <translation>概率热力图(&amp;H)</translation>
    </message>
    <message>
        <source>Colour every token of the replies by its probability (Ctrl+H)</source>
        <translation>按概率给回复中的每个词元着色（Ctrl+H）</translation>
    </message>
    <message>
        <source>&amp;Inspect tokens</source>
        <translation>查看词元(&amp;I)</translation>
    </message>
    <message>
        <source>Previous &amp;branch</source>
        <translation>上一个分支(&amp;B)</translation>
    </message>
    <message>
        <source>Next b&amp;ranch</source>
        <translation>下一个分支(&amp;R)</translation>
    </message>
    <message>
        <source>Heatmap colours</source>
        <translation>热力图颜色</translation>
    </message>
    <message>
        <source>Colour: {label}</source>
        <translation>颜色：{label}</translation>
    </message>
    <message>
        <source>· click a token to inspect it</source>
        <translation>· 点击一个词元查看详情</translation>
    </message>
    <message>
        <source>Probabilities</source>
        <translation>概率</translation>
    </message>
    <message>
        <source>its token data cannot be read ({error})</source>
        <translation>它的词元数据无法读取（{error}）</translation>
    </message>
    <message>
        <source>this reply has no token data</source>
        <translation>这条回复没有词元数据</translation>
    </message>
    <message>
        <source>No heatmap: {problem}.</source>
        <translation>没有热力图：{problem}。</translation>
    </message>
    <message>
        <source>Wait until the reply is finished to inspect its tokens.</source>
        <translation>等回复写完后再查看它的词元。</translation>
    </message>
    <message>
        <source>No token data: {problem}.</source>
        <translation>没有词元数据：{problem}。</translation>
    </message>
</context>
<context>
    <name>TokenTableModel</name>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>part</source>
        <translation>部分</translation>
    </message>
</context>
<context>
    <name>WelcomeView</name>
    <message>
        <source>Why is the sky blue? Answer in two sentences.</source>
        <translation>天空为什么是蓝色的？用两句话回答。</translation>
    </message>
    <message>
        <source>Then press Ctrl+H for the heatmap and click a word to see what else the model considered.</source>
        <translation>然后按 Ctrl+H 打开热力图，点击一个词，看看模型还考虑过哪些词。</translation>
    </message>
    <message>
        <source>Write a four-line poem about the sea.</source>
        <translation>写一首关于大海的四行诗。</translation>
    </message>
    <message>
        <source>Then Regenerate it at temperature 0 and 1.5 (Sampling panel) and compare the branches with ‹ ›.</source>
        <translation>然后分别在温度 0 和 1.5 下重新生成（“采样”面板），用 ‹ › 比较各个分支。</translation>
    </message>
    <message>
        <source>What do my notes say about my next trip?</source>
        <translation>我的笔记里关于下一次旅行说了什么？</translation>
    </message>
    <message>
        <source>Add a note first (Notes → New note); the reply lists the notes it used, with scores.</source>
        <translation>先添加一条笔记（笔记 → 新建笔记）；回复会列出它用到的笔记及其分数。</translation>
    </message>
    <message>
        <source>Name three uses of a paperclip.</source>
        <translation>说出回形针的三种用途。</translation>
    </message>
    <message>
        <source>Click a token, then an alternative in the Probabilities panel: the reply continues from it as a branch.</source>
        <translation>点击一个词元，再点击“概率”面板中的一个候选：回复会作为新分支从它接着写。</translation>
    </message>
    <message>
        <source>&lt;h2&gt;Welcome to Inkling&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;欢迎使用 Inkling&lt;/h2&gt;</translation>
    </message>
    <message>
        <source>Every word of a reply shows how likely it was and what else the model considered.</source>
        <translation>回复中的每个词都会显示它有多大可能，以及模型还考虑过什么。</translation>
    </message>
    <message>
        <source>A private chat with a small model on this computer, nothing sent anywhere. </source>
        <translation>在这台电脑上与一个小模型私密聊天，不向任何地方发送数据。</translation>
    </message>
    <message>
        <source>A chat with a model on the server {url}: your messages, the system prompt and the notes a reply uses are sent to it. </source>
        <translation>与服务器 {url} 上的模型聊天：你的消息、系统提示词和回复用到的笔记都会发送给它。</translation>
    </message>
</context>
<context>
    <name>core</name>
    <message>
        <source>Cannot create the data folder {path}: {reason}</source>
        <translation>无法创建数据文件夹 {path}：{reason}</translation>
    </message>
    <message>
        <source>The data folder {path} is not writable.</source>
        <translation>数据文件夹 {path} 不可写入。</translation>
    </message>
    <message>
        <source>Inkling is already running with the data folder {path}. Switch to that window, or close it first.</source>
        <translation>Inkling 已经在使用数据文件夹 {path} 运行。请切换到那个窗口，或先把它关闭。</translation>
    </message>
    <message>
        <source>{name} is not a GGUF model file (it is not a regular file)</source>
        <translation>{name} 不是 GGUF 模型文件（它不是普通文件）</translation>
    </message>
    <message>
        <source>{name} is not a GGUF model file (it does not start with the GGUF signature)</source>
        <translation>{name} 不是 GGUF 模型文件（它的开头没有 GGUF 签名）</translation>
    </message>
    <message>
        <source>{name} is damaged: its GGUF header cannot be read ({reason})</source>
        <translation>{name} 已损坏：无法读取它的 GGUF 文件头（{reason}）</translation>
    </message>
    <message>
        <source>the file ends too early</source>
        <translation>文件提前结束</translation>
    </message>
    <message>
        <source>a {length}-byte string</source>
        <translation>一个长达 {length} 字节的字符串</translation>
    </message>
    <message>
        <source>arrays nested too deep</source>
        <translation>数组嵌套过深</translation>
    </message>
    <message>
        <source>unknown GGUF value type {kind}</source>
        <translation>未知的 GGUF 值类型 {kind}</translation>
    </message>
    <message>
        <source>Cannot read {path}: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message>
        <source>a tensor with {dims} dimensions</source>
        <translation>一个有 {dims} 个维度的张量</translation>
    </message>
    <message>
        <source>Not a server address: {url} (expected http://host:port or https://host)</source>
        <translation>不是服务器地址：{url}（应为 http://主机:端口 或 https://主机）</translation>
    </message>
    <message>
        <source>Put the API key in its own field, not in the address.</source>
        <translation>请把 API 密钥填在它自己的栏里，不要写进地址。</translation>
    </message>
    <message>
        <source>The server address takes no ?query or #fragment.</source>
        <translation>服务器地址不能带 ?查询参数 或 #片段。</translation>
    </message>
    <message>
        <source>Plain http to another machine: the conversation and the API key cross the network unencrypted.</source>
        <translation>通过明文 http 连接另一台机器：对话内容和 API 密钥会未加密地经过网络。</translation>
    </message>
    <message>
        <source>The server redirected to another host ({target}); Inkling does not follow that.</source>
        <translation>服务器重定向到了另一台主机（{target}）；Inkling 不会跟随。</translation>
    </message>
    <message>
        <source>{url} is not https: there is no certificate to trust.</source>
        <translation>{url} 不是 https：没有可信任的证书。</translation>
    </message>
    <message>
        <source>{url}: could not read its certificate ({reason}).</source>
        <translation>{url}：无法读取其证书（{reason}）。</translation>
    </message>
    <message>
        <source>{url} refused the prompt: its context holds {n_ctx} tokens.</source>
        <translation>{url} 拒绝了这条提示词：它的上下文只能容纳 {n_ctx} 个词元。</translation>
    </message>
    <message>
        <source>{url} did not answer within {seconds} s (timeout).</source>
        <translation>{url} 在 {seconds} 秒内没有应答（超时）。</translation>
    </message>
    <message>
        <source>{url} stopped sending (no data for the stall timeout); the reply so far is kept.</source>
        <translation>{url} 停止了发送（在停滞超时内没有数据）；已写出的回复会保留。</translation>
    </message>
    <message>
        <source>{url}: the TLS certificate is not trusted ({reason}). If the server uses its own self-signed certificate, compare its fingerprint and trust it for this server only (Engine → Add server…, or inkling engines add … --trust-fingerprint).</source>
        <translation>{url}：TLS 证书不受信任（{reason}）。如果服务器使用自己的自签名证书，请比对其指纹，并仅对此服务器信任它（引擎 → 添加服务器…，或 inkling engines add … --trust-fingerprint）。</translation>
    </message>
    <message>
        <source>{url}: the TLS handshake failed.</source>
        <translation>{url}：TLS 握手失败。</translation>
    </message>
    <message>
        <source>{url}: the host name could not be found (DNS).</source>
        <translation>{url}：找不到这个主机名（DNS）。</translation>
    </message>
    <message>
        <source>{url} refused the connection: is the server running, on that port?</source>
        <translation>{url} 拒绝了连接：服务器在运行吗？端口对吗？</translation>
    </message>
    <message>
        <source>{url} closed the connection mid-reply; the reply so far is kept.</source>
        <translation>{url} 在回复途中关闭了连接；已写出的回复会保留。</translation>
    </message>
    <message>
        <source>{url} asks for an API key (HTTP {code}){detail}: enter the server&apos;s key.</source>
        <translation>{url} 需要 API 密钥（HTTP {code}）{detail}：请输入该服务器的密钥。</translation>
    </message>
    <message>
        <source>{url} refused the API key (HTTP {code}){detail}.</source>
        <translation>{url} 拒绝了 API 密钥（HTTP {code}）{detail}。</translation>
    </message>
    <message>
        <source>{url} has no such endpoint or model (HTTP 404){detail}: is it an OpenAI-compatible server?</source>
        <translation>{url} 没有这个接口或模型（HTTP 404）{detail}：它是兼容 OpenAI 的服务器吗？</translation>
    </message>
    <message>
        <source>{url} is busy (HTTP {code}){detail}; try again in a moment.</source>
        <translation>{url} 正忙（HTTP {code}）{detail}；请稍后再试。</translation>
    </message>
    <message>
        <source>{url} answered HTTP {code}{detail}.</source>
        <translation>{url} 返回了 HTTP {code}{detail}。</translation>
    </message>
    <message>
        <source>{url} did not answer JSON: not an OpenAI-compatible server?</source>
        <translation>{url} 返回的不是 JSON：不是兼容 OpenAI 的服务器？</translation>
    </message>
    <message>
        <source>{url} answered JSON of an unexpected shape.</source>
        <translation>{url} 返回的 JSON 结构不符合预期。</translation>
    </message>
    <message>
        <source>Stopped while waiting for a busy server.</source>
        <translation>在等待繁忙的服务器时已停止。</translation>
    </message>
    <message>
        <source>{url} sent malformed data mid-reply; the reply so far is kept.</source>
        <translation>{url} 在回复途中发送了格式错误的数据；已写出的回复会保留。</translation>
    </message>
    <message>
        <source>{url} sent an unexpected event mid-reply; the reply so far is kept.</source>
        <translation>{url} 在回复途中发送了意外的事件；已写出的回复会保留。</translation>
    </message>
    <message>
        <source>{url} failed mid-reply: {message}</source>
        <translation>{url} 在回复途中出错：{message}</translation>
    </message>
    <message>
        <source>{url} did not answer with an event stream.</source>
        <translation>{url} 没有以事件流作答。</translation>
    </message>
    <message>
        <source>Probabilities: top {k} with token ids, exact branching; entropy estimated from the top {k}</source>
        <translation>概率：前 {k} 个候选，带词元 id，可精确分支；熵由前 {k} 个候选估计</translation>
    </message>
    <message>
        <source>Probabilities: top {k}, no token ids; no branching: the server does not report its chat template</source>
        <translation>概率：前 {k} 个候选，没有词元 id；不能分支：服务器没有报告它的聊天模板</translation>
    </message>
    <message>
        <source>Probabilities: top {k}, no token ids: branching by text (may re-tokenize)</source>
        <translation>概率：前 {k} 个候选，没有词元 id：按文本分支（可能重新切分词元）</translation>
    </message>
    <message>
        <source>No probabilities: the probability view stays empty for this server&apos;s replies</source>
        <translation>没有概率：这个服务器的回复在概率视图中为空</translation>
    </message>
    <message>
        <source>{line} · context {n_ctx} tokens (named by the server when it refused a longer prompt)</source>
        <translation>{line} · 上下文 {n_ctx} 个词元（服务器在拒绝一条更长的提示词时给出）</translation>
    </message>
    <message>
        <source>{line} · context not reported: {n_ctx} tokens assumed until the server refuses a longer prompt</source>
        <translation>{line} · 服务器未报告上下文：推定为 {n_ctx} 个词元，直到它拒绝一条更长的提示词</translation>
    </message>
    <message>
        <source>{line} · context {n_ctx} tokens</source>
        <translation>{line} · 上下文 {n_ctx} 个词元</translation>
    </message>
    <message>
        <source>{url}/v1/models lists no model: not an OpenAI-compatible server, or nothing loaded.</source>
        <translation>{url}/v1/models 没有列出任何模型：它不是 OpenAI 兼容的服务器，或者还没有加载模型。</translation>
    </message>
    <message>
        <source>Model file not found: {path}</source>
        <translation>找不到模型文件：{path}</translation>
    </message>
    <message>
        <source>Not a file: {path}</source>
        <translation>不是文件：{path}</translation>
    </message>
    <message>
        <source>Loading {name} was cancelled</source>
        <translation>已取消加载 {name}</translation>
    </message>
    <message>
        <source>llama.cpp could not load {name}: {error}</source>
        <translation>llama.cpp 无法加载 {name}：{error}</translation>
    </message>
    <message>
        <source>The prompt ({tokens} tokens) fills the whole context ({n_ctx}).</source>
        <translation>提示词（{tokens} 个词元）占满了整个上下文（{n_ctx}）。</translation>
    </message>
    <message>
        <source>llama.cpp failed while generating: {error}</source>
        <translation>llama.cpp 在生成时出错：{error}</translation>
    </message>
    <message>
        <source>{count} added</source>
        <translation>新增 {count} 个</translation>
    </message>
    <message>
        <source>{count} updated</source>
        <translation>更新 {count} 个</translation>
    </message>
    <message>
        <source>{count} removed</source>
        <translation>移除 {count} 个</translation>
    </message>
    <message>
        <source>{count} unchanged</source>
        <translation>未变 {count} 个</translation>
    </message>
    <message>
        <source>{count} could not be read</source>
        <translation>{count} 个无法读取</translation>
    </message>
    <message>
        <source>{summary} (cancelled)</source>
        <translation>{summary}（已取消）</translation>
    </message>
    <message>
        <source>a symbolic link loop: the link points back to itself</source>
        <translation>符号链接循环：这个链接指回了它自己</translation>
    </message>
    <message>
        <source>permission denied: Inkling may not read this</source>
        <translation>权限不足：Inkling 无权读取它</translation>
    </message>
    <message>
        <source>a broken symbolic link, or the file was deleted while being imported</source>
        <translation>失效的符号链接，或文件在导入时被删除了</translation>
    </message>
    <message>
        <source>a symbolic link loop: this folder is already imported through another path</source>
        <translation>符号链接循环：这个文件夹已经通过另一条路径导入了</translation>
    </message>
    <message>
        <source>{database} of {when} (before the upgrade {before})</source>
        <translation>{when} 的 {database}（升级 {before} 之前）</translation>
    </message>
    <message>
        <source>{database} of {when}</source>
        <translation>{when} 的 {database}</translation>
    </message>
    <message>
        <source>SQLite&apos;s check of a copy of it failed</source>
        <translation>SQLite 对其副本的检查未通过</translation>
    </message>
    <message>
        <source>Cannot write the backup {path}: {reason}</source>
        <translation>无法写入备份 {path}：{reason}</translation>
    </message>
    <message>
        <source>Cannot create the backups folder {path}: {reason}</source>
        <translation>无法创建备份文件夹 {path}：{reason}</translation>
    </message>
    <message>
        <source>There is no {path} to back up.</source>
        <translation>没有可备份的 {path}。</translation>
    </message>
    <message>
        <source>{path} is damaged (SQLite&apos;s check failed); choose another backup.</source>
        <translation>{path} 已损坏（SQLite 检查未通过）；请选择另一个备份。</translation>
    </message>
    <message>
        <source>{path} is not a usable Inkling backup ({reason}); choose another one.</source>
        <translation>{path} 不是可用的 Inkling 备份（{reason}）；请选择另一个。</translation>
    </message>
    <message>
        <source>{path} is not an Inkling backup.</source>
        <translation>{path} 不是 Inkling 备份。</translation>
    </message>
    <message>
        <source>There is no backup {path}.</source>
        <translation>没有备份 {path}。</translation>
    </message>
    <message>
        <source>Cannot restore {path} to {target}: {reason}</source>
        <translation>无法把 {path} 恢复到 {target}：{reason}</translation>
    </message>
    <message>
        <source>Plain assistant</source>
        <translation>普通助手</translation>
    </message>
    <message>
        <source>Concise</source>
        <translation>简洁</translation>
    </message>
    <message>
        <source>Step-by-step reasoning</source>
        <translation>逐步推理</translation>
    </message>
    <message>
        <source>Few-shot template</source>
        <translation>少样本模板</translation>
    </message>
    <message>
        <source>fits</source>
        <translation>装得下</translation>
    </message>
    <message>
        <source>tight</source>
        <translation>偏紧</translation>
    </message>
    <message>
        <source>won&apos;t fit</source>
        <translation>装不下</translation>
    </message>
    <message>
        <source>free memory unknown</source>
        <translation>可用内存未知</translation>
    </message>
    <message>
        <source>{verdict}: needs about {needed} (weights {weights}, KV cache {kv_cache}, working buffers ~{compute}) of {available} free</source>
        <translation>{verdict}：大约需要 {needed}（权重 {weights}，KV 缓存 {kv_cache}，工作缓冲区约 {compute}），可用 {available}</translation>
    </message>
    <message>
        <source>CPU build: see README to build with CUDA or Vulkan</source>
        <translation>CPU 版本：如需用 CUDA 或 Vulkan 构建，请参阅 README</translation>
    </message>
    <message>
        <source>context must be between 64 and {limit} tokens</source>
        <translation>上下文必须在 64 到 {limit} 个词元之间</translation>
    </message>
    <message>
        <source>context must be between 64 and the training context tokens</source>
        <translation>上下文必须在 64 个词元到训练时的上下文长度之间</translation>
    </message>
    <message>
        <source>GPU layers must be 0 or more (or all)</source>
        <translation>GPU 层数必须为 0 或更多（或全部）</translation>
    </message>
    <message>
        <source>threads must be between 1 and 512 (or follow Model → CPU threads)</source>
        <translation>线程数必须在 1 到 512 之间（或跟随“模型 → CPU 线程”）</translation>
    </message>
    <message>
        <source>batch size must be between 1 and 8192</source>
        <translation>批大小必须在 1 到 8192 之间</translation>
    </message>
    <message>
        <source>KV cache type must be one of {types}</source>
        <translation>KV 缓存类型必须是以下之一：{types}</translation>
    </message>
    <message>
        <source>samplers must be among {names}</source>
        <translation>采样参数只能是：{names}</translation>
    </message>
    <message>
        <source>faster decoding; {drift}</source>
        <translation>解码更快；{drift}</translation>
    </message>
    <message>
        <source>q8_0: about half the KV cache&apos;s memory; {drift}</source>
        <translation>q8_0：KV 缓存占用约减半；{drift}</translation>
    </message>
    <message>
        <source>probabilities approximate, typically ±{mean} nats on this model (up to {most})</source>
        <translation>概率为近似值，在这个模型上通常相差 ±{mean} 奈特（最多 {most}）</translation>
    </message>
    <message>
        <source>Only your own messages can be edited.</source>
        <translation>只能编辑你自己的消息。</translation>
    </message>
    <message>
        <source>The edited message is empty.</source>
        <translation>编辑后的消息是空的。</translation>
    </message>
    <message>
        <source>Only the model&apos;s replies can be regenerated.</source>
        <translation>只能重新生成模型的回复。</translation>
    </message>
    <message>
        <source>Wait until the reply is finished.</source>
        <translation>请等回复写完。</translation>
    </message>
    <message>
        <source>This reply does not answer a message of yours, so there is nothing to regenerate it from.</source>
        <translation>这条回复不是在回答你的消息，所以没有可以据此重新生成的内容。</translation>
    </message>
    <message>
        <source>This message no longer exists.</source>
        <translation>这条消息已经不存在了。</translation>
    </message>
    <message>
        <source>Stop the reply before deleting it.</source>
        <translation>请先停止这条回复，再删除它。</translation>
    </message>
    <message>
        <source>The conversation was deleted, so the message cannot come back.</source>
        <translation>对话已被删除，所以这条消息无法恢复。</translation>
    </message>
    <message>
        <source>This reply was written by {model}; open that model to continue it from another token.</source>
        <translation>这条回复是 {model} 写的；请打开那个模型，再从另一个词元接着写。</translation>
    </message>
    <message>
        <source>another model</source>
        <translation>另一个模型</translation>
    </message>
    <message>
        <source>This reply&apos;s token data cannot be read ({error}).</source>
        <translation>无法读取这条回复的词元数据（{error}）。</translation>
    </message>
    <message>
        <source>This reply has no token data at that position.</source>
        <translation>这条回复在那个位置没有词元数据。</translation>
    </message>
    <message>
        <source>The server sent token {token} of this reply as a whole character without the tokens before it, so the tokens after it cannot be given back to the model exactly. Branch at or before token {token}, or use the model on this laptop.</source>
        <translation>服务器把这条回复的第 {token} 个词元作为一个完整字符发送，却没有发送它之前的词元，因此它之后的词元无法精确地交还给模型。请在第 {token} 个词元或之前分支，或改用这台电脑上的模型。</translation>
    </message>
    <message>
        <source>This reply&apos;s server cannot continue it from another token ({reason}).</source>
        <translation>此回复的服务器无法从另一个词元继续它（{reason}）。</translation>
    </message>
    <message>
        <source>That token is not among the alternatives stored for this position.</source>
        <translation>这个词元不在这个位置保存的候选之中。</translation>
    </message>
    <message>
        <source>That is the token the reply already has.</source>
        <translation>回复在这里用的就是这个词元。</translation>
    </message>
    <message>
        <source>This reply was written by {model}; open that model to continue it.</source>
        <translation>此回复由 {model} 写出；请打开该模型以继续它。</translation>
    </message>
    <message>
        <source>Only a reply that failed midway can be continued.</source>
        <translation>只有中途失败的回复才能继续。</translation>
    </message>
    <message>
        <source>This reply failed before its first token: regenerate it instead.</source>
        <translation>此回复在第一个词元之前就失败了：请改为重新生成。</translation>
    </message>
    <message>
        <source>This reply had already ended.</source>
        <translation>此回复已经结束。</translation>
    </message>
    <message>
        <source>Only a reply of the model can be continued.</source>
        <translation>只有模型的回复才能继续。</translation>
    </message>
    <message>
        <source>This reply has no token data.</source>
        <translation>此回复没有词元数据。</translation>
    </message>
    <message>
        <source>The prompt and the reply up to this token ({tokens} tokens) fill the context.</source>
        <translation>提示词加上到这个词元为止的回复（{tokens} 个词元）占满了上下文。</translation>
    </message>
    <message>
        <source>no system prompt</source>
        <translation>无系统提示词</translation>
    </message>
    <message>
        <source>custom system prompt</source>
        <translation>自定义系统提示词</translation>
    </message>
    <message>
        <source>{offloaded}/{layers} layers on a GPU ({devices})</source>
        <translation>{offloaded}/{layers} 层在 GPU 上（{devices}）</translation>
    </message>
    <message>
        <source>all {layers} layers on the CPU (CPU build: no GPU offload)</source>
        <translation>全部 {layers} 层在 CPU 上（CPU 版本：不支持 GPU 卸载）</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <source>{threads} thread (prompt {batch})</source>
        <translation>{threads} 个线程（读取提示词 {batch} 个）</translation>
    </message>
    <message>
        <source>{threads} threads (prompt {batch})</source>
        <translation>{threads} 个线程（读取提示词 {batch} 个）</translation>
    </message>
    <message>
        <source>flash attention {state}</source>
        <translation>Flash Attention {state}</translation>
    </message>
    <message>
        <source>KV cache {types}, {size} MiB</source>
        <translation>KV 缓存 {types}，{size} MiB</translation>
    </message>
    <message>
        <source>weights in {buffers}</source>
        <translation>权重位于 {buffers}</translation>
    </message>
    <message>
        <source>working buffers {buffers}</source>
        <translation>工作缓冲区 {buffers}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>seed {seed}</source>
        <translation>随机种子 {seed}</translation>
    </message>
    <message>
        <source>notes on ({tokens} tokens)</source>
        <translation>笔记开（{tokens} 个词元）</translation>
    </message>
    <message>
        <source>notes off</source>
        <translation>笔记关</translation>
    </message>
    <message>
        <source>characters missing: {count} tokens came without their text</source>
        <translation>缺少字符：{count} 个词元没有附带文本</translation>
    </message>
    <message>
        <source>branching after token {token} unavailable</source>
        <translation>第 {token} 个词元之后无法分支</translation>
    </message>
    <message>
        <source>Model: {model}</source>
        <translation>模型：{model}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Temperature {temperature} · top-k {top_k} · top-p {top_p} · min-p {min_p} · repeat penalty {repeat_penalty}</source>
        <translation>温度 {temperature} · top-k {top_k} · top-p {top_p} · min-p {min_p} · 重复惩罚 {repeat_penalty}</translation>
    </message>
    <message>
        <source>Seed {seed} (random) · at most {tokens} tokens</source>
        <translation>随机种子 {seed}（随机）· 最多 {tokens} 个词元</translation>
    </message>
    <message>
        <source>Seed {seed} · at most {tokens} tokens</source>
        <translation>随机种子 {seed} · 最多 {tokens} 个词元</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>System prompt: {name}</source>
        <translation>系统提示词：{name}</translation>
    </message>
    <message>
        <source>Notes: {tokens} tokens of notes in the prompt</source>
        <translation>笔记：提示词中有 {tokens} 个词元的笔记</translation>
    </message>
    <message>
        <source>Notes: none in the prompt</source>
        <translation>笔记：提示词中没有</translation>
    </message>
    <message>
        <source>The server sent {count} tokens with neither their text nor their bytes (pieces of characters split over several tokens) and left them out of the reply too: characters are missing, and those tokens show as ∅. llama-cpp-python&apos;s server does this while it sends log-probabilities.</source>
        <translation>服务器发送了 {count} 个既无文本也无字节的词元（被拆成多个词元的字符片段），回复中也把它们漏掉了：缺少字符，这些词元显示为 ∅。llama-cpp-python 的服务器在发送对数概率时会这样。</translation>
    </message>
    <message>
        <source>From token {token} on, the server sent each character that the model wrote as several tokens as its last token only (llama-server holds the others back): such a character&apos;s number is its last token&apos;s, and the reply cannot be branched or continued after token {token}.</source>
        <translation>从第 {token} 个词元起，模型用多个词元写出的每个字符，服务器只发送了其最后一个词元（llama-server 扣下了其余词元）：这类字符显示的数值是其最后一个词元的，且这条回复在第 {token} 个词元之后无法分支或继续。</translation>
    </message>
    <message>
        <source>Write the start of a document first: the model continues it.</source>
        <translation>请先写下文档的开头：模型会接着写。</translation>
    </message>
    <message>
        <source>The export cannot be read: {error}</source>
        <translation>无法读取导出文件：{error}</translation>
    </message>
    <message>
        <source>The export</source>
        <translation>导出文件</translation>
    </message>
    <message>
        <source>{name} {error}; nothing was imported.</source>
        <translation>{name} {error}；没有导入任何内容。</translation>
    </message>
    <message>
        <source>Cannot import {name}: it is not a regular file.</source>
        <translation>无法导入 {name}：它不是普通文件。</translation>
    </message>
    <message>
        <source>Cannot import {name}: it is larger than {size}, more than any conversation export.</source>
        <translation>无法导入 {name}：它大于 {size}，超过任何对话导出文件的大小。</translation>
    </message>
    <message>
        <source>Cannot read {name}: {error}</source>
        <translation>无法读取 {name}：{error}</translation>
    </message>
    <message>
        <source>The archive holds {count} conversations; an import takes at most {limit}.</source>
        <translation>这个压缩包里有 {count} 个对话；一次导入最多 {limit} 个。</translation>
    </message>
    <message>
        <source>{name} in the archive inflates to {size}, more than any conversation export ({limit}); nothing was imported.</source>
        <translation>压缩包里的 {name} 解压后有 {size}，超过任何对话导出文件的大小（{limit}）；没有导入任何内容。</translation>
    </message>
    <message>
        <source>The archive inflates to {size}, more than an import takes ({limit}); nothing was imported.</source>
        <translation>这个压缩包解压后有 {size}，超过一次导入的上限（{limit}）；没有导入任何内容。</translation>
    </message>
    <message>
        <source>Cannot read {name} in the archive: {error}; nothing was imported.</source>
        <translation>无法读取压缩包中的 {name}：{error}；没有导入任何内容。</translation>
    </message>
    <message>
        <source>Inkling is running with the data folder {path}: close it before restoring a backup.</source>
        <translation>Inkling 正在使用数据文件夹 {path} 运行：恢复备份前请先关闭它。</translation>
    </message>
    <message>
        <source>{path} is not a backup of {name}; choose one named {stem}-….db.</source>
        <translation>{path} 不是 {name} 的备份；请选择名为 {stem}-….db 的文件。</translation>
    </message>
    <message>
        <source>The notes search index could not be opened ({error}); it was rebuilt from your notes.</source>
        <translation>无法打开笔记的搜索索引（{error}）；已根据你的笔记重建。</translation>
    </message>
    <message>
        <source>The notes search index did not match your notes ({indexed} vs {stored} chunks); it was rebuilt from your notes.</source>
        <translation>笔记的搜索索引与你的笔记不一致（{indexed} 对 {stored} 个片段）；已根据你的笔记重建。</translation>
    </message>
    <message>
        <source>the file was deleted or moved; its last text is kept</source>
        <translation>文件已被删除或移动；保留了它最后的文本</translation>
    </message>
    <message>
        <source>Inkling is running with this data folder: change notes in its window, or close it first.</source>
        <translation>Inkling 正在使用这个数据文件夹运行：请在它的窗口中修改笔记，或先把它关闭。</translation>
    </message>
    <message>
        <source>the note has no text in it</source>
        <translation>这条笔记里没有文本</translation>
    </message>
    <message>
        <source>indexing was cancelled after {done} chunks ({percent}% of the text); reindex to finish it</source>
        <translation>索引在 {done} 个片段后被取消（已完成文本的 {percent}%）；重新索引即可完成</translation>
    </message>
    <message>
        <source>The embedding model file {path} is missing; run `make setup` to fetch it.</source>
        <translation>缺少向量模型文件 {path}；请运行 `make setup` 获取。</translation>
    </message>
    <message>
        <source>Cannot load the embedding model {name}: {error}</source>
        <translation>无法加载向量模型 {name}：{error}</translation>
    </message>
    <message>
        <source>{what} are kept in the system keyring.</source>
        <translation>{what}保存在系统密钥环中。</translation>
    </message>
    <message>
        <source>No system keyring here: {what} are kept in {path} (readable only by you, mode 0600).</source>
        <translation>这里没有系统密钥环：{what}保存在 {path}（只有你能读取，权限 0600）。</translation>
    </message>
    <message>
        <source>A server name is 1-40 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit: “{name}”</source>
        <translation>服务器名称须为 1 到 40 个字母、数字、“.”、“_”或“-”，并以字母或数字开头：“{name}”</translation>
    </message>
    <message>
        <source>No server named {name}; added: {known}.</source>
        <translation>没有名为 {name} 的服务器；已添加的有：{known}。</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Server {name} takes its API key from ${variable}, which is not set.</source>
        <translation>服务器 {name} 从 ${variable} 读取 API 密钥，但这个变量没有设置。</translation>
    </message>
    <message>
        <source>{url} shows a certificate with fingerprint {shown}, not {given}: not trusted.</source>
        <translation>{url} 出示的证书指纹为 {shown}，而不是 {given}：不予信任。</translation>
    </message>
    <message>
        <source>Not an environment variable name: “{name}”</source>
        <translation>这不是一个环境变量名：“{name}”</translation>
    </message>
    <message>
        <source>Chroma server tokens</source>
        <translation>Chroma 服务器的访问凭据</translation>
    </message>
    <message>
        <source>The notes&apos; search index is kept in this computer&apos;s data folder.</source>
        <translation>笔记的搜索索引保存在本机的数据文件夹中。</translation>
    </message>
    <message>
        <source>a token in the system keyring</source>
        <translation>访问凭据在系统密钥环中</translation>
    </message>
    <message>
        <source>a token in the data folder (0600 file)</source>
        <translation>访问凭据在数据文件夹中（0600 文件）</translation>
    </message>
    <message>
        <source>no token</source>
        <translation>无访问凭据</translation>
    </message>
    <message>
        <source>The notes&apos; search index is kept on the Chroma server {url} ({token}), collection {collection}.</source>
        <translation>笔记的搜索索引保存在 Chroma 服务器 {url} 上（{token}），集合 {collection}。</translation>
    </message>
    <message>
        <source>Scoring needs a prompt to score the text after.</source>
        <translation>评分需要一段提示词，才能给它后面的文本评分。</translation>
    </message>
    <message>
        <source>The prompt and the longest text need {tokens} tokens; the context holds {n_ctx}.</source>
        <translation>提示词加上最长的文本需要 {tokens} 个词元；上下文只能容纳 {n_ctx} 个。</translation>
    </message>
    <message>
        <source>llama.cpp failed while scoring: {error}</source>
        <translation>llama.cpp 在评分时出错：{error}</translation>
    </message>
    <message>
        <source>{url} has no model “{model}”; it serves {models}.</source>
        <translation>{url} 上没有模型“{model}”；它提供的是 {models}。</translation>
    </message>
    <message>
        <source>The prompt ({tokens} tokens) fills the server&apos;s context ({n_ctx}).</source>
        <translation>提示词（{tokens} 个词元）占满了服务器的上下文（{n_ctx}）。</translation>
    </message>
    <message>
        <source>The prompt and the longest text need {tokens} tokens; the server&apos;s context holds {n_ctx}.</source>
        <translation>提示词加上最长的文本需要 {tokens} 个词元；服务器的上下文只能容纳 {n_ctx} 个。</translation>
    </message>
    <message>
        <source>{url} sends no probabilities for a token that is only part of a character (token {token}), so this text cannot be scored on it token by token; score it with the model on this laptop.</source>
        <translation>{url} 不会为只是某个字符一部分的词元（词元 {token}）发送概率，因此无法在它上面逐个词元地为这段文本打分；请用这台电脑上的模型打分。</translation>
    </message>
    <message>
        <source>{url} did not score token {token} as asked (it sent {sent}); the server may not honour logit_bias.</source>
        <translation>{url} 没有按要求为词元 {token} 评分（它返回的是 {sent}）；这个服务器可能不支持 logit_bias。</translation>
    </message>
    <message>
        <source>Not a Chroma server address: {url} (expected http://host:8000 or https://host).</source>
        <translation>不是 Chroma 服务器地址：{url}（应为 http://host:8000 或 https://host）。</translation>
    </message>
    <message>
        <source>Put the token in its own field, not in the address.</source>
        <translation>请把访问凭据填在它自己的栏里，不要写进地址。</translation>
    </message>
    <message>
        <source>The Chroma server address takes no ?query or #fragment.</source>
        <translation>Chroma 服务器地址不能带 ?查询参数 或 #片段。</translation>
    </message>
    <message>
        <source>The Chroma server at {url} did not answer within {seconds} s (timeout).</source>
        <translation>{url} 上的 Chroma 服务器在 {seconds} 秒内没有应答（超时）。</translation>
    </message>
    <message>
        <source>The Chroma server at {url} stopped answering (timeout).</source>
        <translation>{url} 上的 Chroma 服务器停止了应答（超时）。</translation>
    </message>
    <message>
        <source>The Chroma server at {url} has a TLS certificate that is not trusted. If it uses its own self-signed certificate, compare its fingerprint and trust it for this server only (Notes → Use a Chroma server…, or inkling notes server … --trust-fingerprint).</source>
        <translation>{url} 上的 Chroma 服务器的 TLS 证书不受信任。如果它使用自己的自签名证书，请比对其指纹，并仅对此服务器信任它（笔记 → 使用 Chroma 服务器…，或 inkling notes server … --trust-fingerprint）。</translation>
    </message>
    <message>
        <source>The TLS handshake with the Chroma server at {url} failed.</source>
        <translation>与 {url} 上的 Chroma 服务器的 TLS 握手失败。</translation>
    </message>
    <message>
        <source>The host name of the Chroma server {url} could not be found (DNS).</source>
        <translation>找不到 Chroma 服务器 {url} 的主机名（DNS）。</translation>
    </message>
    <message>
        <source>The Chroma server at {url} refused the connection (is `chroma run` running there, on that port?).</source>
        <translation>{url} 上的 Chroma 服务器拒绝了连接（那里是否在该端口上运行着 `chroma run`？）。</translation>
    </message>
    <message>
        <source>The connection to the Chroma server at {url} failed ({error}).</source>
        <translation>与 {url} 上的 Chroma 服务器的连接失败（{error}）。</translation>
    </message>
    <message>
        <source>The Chroma server at {url} refused the token (HTTP {code}).</source>
        <translation>{url} 上的 Chroma 服务器拒绝了访问凭据（HTTP {code}）。</translation>
    </message>
    <message>
        <source>The Chroma server at {url} asks for a token (HTTP {code}): give the one its proxy checks.</source>
        <translation>{url} 上的 Chroma 服务器要求访问凭据（HTTP {code}）：请填写其代理所检查的那个。</translation>
    </message>
    <message>
        <source>{url} has no /api/v2 API: it is not a Chroma 1.x server (an older Chroma, or another program).</source>
        <translation>{url} 没有 /api/v2 接口：它不是 Chroma 1.x 服务器（是旧版 Chroma 或其他程序）。</translation>
    </message>
    <message>
        <source>The Chroma server at {url} answered HTTP {code}.</source>
        <translation>{url} 上的 Chroma 服务器返回了 HTTP {code}。</translation>
    </message>
    <message>
        <source>{url} answered /api/v2/version with something other than a version: not a Chroma server?</source>
        <translation>{url} 对 /api/v2/version 的回答不是版本号：这不是 Chroma 服务器吗？</translation>
    </message>
    <message>
        <source>The Chroma server at {url} speaks API {version}; Inkling needs a Chroma 1.x server.</source>
        <translation>{url} 上的 Chroma 服务器使用 API {version}；Inkling 需要 Chroma 1.x 服务器。</translation>
    </message>
    <message>
        <source>The Chroma server at {url} failed the request ({error}).</source>
        <translation>{url} 上的 Chroma 服务器未能完成请求（{error}）。</translation>
    </message>
    <message>
        <source>Notes search is using the copy in notes.db: the index on the Chroma server at {url} is not up to date with your notes ({indexed} of {stored} chunks, or changes it missed). The Inkling that has this data folder open brings it up to date.</source>
        <translation>笔记搜索正在使用 notes.db 中的副本：{url} 上的 Chroma 服务器中的索引与你的笔记不一致（{indexed} / {stored} 个片段，或有它错过的更改）。打开这个数据文件夹的 Inkling 会把它更新。</translation>
    </message>
    <message>
        <source>The Chroma server at {url} answers again; its index was brought up to date from your notes.</source>
        <translation>{url} 上的 Chroma 服务器恢复应答；其索引已根据你的笔记更新。</translation>
    </message>
    <message>
        <source>Notes search is using the copy in notes.db: {reason} Nothing is lost; the server&apos;s index is rebuilt from your notes when it answers again.</source>
        <translation>笔记搜索正在使用 notes.db 中的副本：{reason} 没有丢失任何内容；服务器恢复应答后，会根据你的笔记重建其索引。</translation>
    </message>
    <message>
        <source>This engine cannot score a given text (it returns no log-probabilities for a prompt).</source>
        <translation>这个引擎无法给指定文本评分（它不返回提示词的对数概率）。</translation>
    </message>
    <message>
        <source>Give at least one non-empty text to score.</source>
        <translation>请至少给出一段非空文本来评分。</translation>
    </message>
    <message>
        <source>A text to score adds no tokens after the prompt.</source>
        <translation>有一段要评分的文本在提示词后面没有增加任何词元。</translation>
    </message>
    <message>
        <source>Open a conversation and write a message first.</source>
        <translation>请先打开一个对话并写一条消息。</translation>
    </message>
    <message>
        <source>This conversation has no message of yours yet: write one first.</source>
        <translation>这个对话里还没有你的消息：请先写一条。</translation>
    </message>
    <message>
        <source>The notes were written by a newer version of Inkling ({migrations}); update Inkling to open them.</source>
        <translation>这些笔记是由更新版本的 Inkling 写入的（{migrations}）；请更新 Inkling 后再打开。</translation>
    </message>
    <message>
        <source>The message and system prompt need {tokens} tokens, but only {budget} fit in the context window with room for the reply. Shorten them or lower &apos;max new tokens&apos;.</source>
        <translation>消息和系统提示词需要 {tokens} 个词元，但在为回复留出空间后，上下文窗口只能放下 {budget} 个。请缩短它们，或调低“最多生成词元数”。</translation>
    </message>
    <message>
        <source>unknown setting {setting} (use {keys}, notes=on|off, model=FILE, server=NAME or system=…)</source>
        <translation>未知的设置 {setting}（可用 {keys}、notes=on|off、model=文件、server=名称 或 system=…）</translation>
    </message>
    <message>
        <source>{key} needs a number, not {value}</source>
        <translation>{key} 需要一个数字，而不是 {value}</translation>
    </message>
    <message>
        <source>compare needs 2 to {most} setups</source>
        <translation>比较需要 2 到 {most} 种设置</translation>
    </message>
    <message>
        <source>a setup names another engine: run it where engines are opened (the Lab window, inkling compare)</source>
        <translation>有一种设置指定了另一个引擎：请在能打开引擎的地方运行它（“实验”窗口或 inkling compare）</translation>
    </message>
    <message>
        <source>cannot be read: {reason}</source>
        <translation>无法读取：{reason}</translation>
    </message>
    <message>
        <source>Ollama&apos;s own format, not GGUF</source>
        <translation>Ollama 自己的格式，不是 GGUF</translation>
    </message>
    <message>
        <source>not a GGUF file</source>
        <translation>不是 GGUF 文件</translation>
    </message>
    <message>
        <source>{what}; Inkling cannot run it</source>
        <translation>{what}；Inkling 无法运行它</translation>
    </message>
    <message>
        <source>the file was deleted or moved before it could be read</source>
        <translation>文件在读取之前被删除或移走了</translation>
    </message>
    <message>
        <source>permission denied: Inkling may not read this file</source>
        <translation>权限不足：Inkling 无权读取这个文件</translation>
    </message>
    <message>
        <source>this is a folder, not a file</source>
        <translation>这是文件夹，不是文件</translation>
    </message>
    <message>
        <source>a named pipe (FIFO), not a regular file: only regular files are read</source>
        <translation>这是命名管道（FIFO），不是普通文件：只读取普通文件</translation>
    </message>
    <message>
        <source>a socket, not a regular file: only regular files are read</source>
        <translation>这是套接字，不是普通文件：只读取普通文件</translation>
    </message>
    <message>
        <source>a device, not a regular file: only regular files are read</source>
        <translation>这是设备文件，不是普通文件：只读取普通文件</translation>
    </message>
    <message>
        <source>a special file, not a regular file: only regular files are read</source>
        <translation>这是特殊文件，不是普通文件：只读取普通文件</translation>
    </message>
    <message>
        <source>the file was deleted or moved while it was being read</source>
        <translation>文件在读取过程中被删除或移走了</translation>
    </message>
    <message>
        <source>the file is empty</source>
        <translation>文件是空的</translation>
    </message>
    <message>
        <source>the file has no text in it</source>
        <translation>文件里没有文字</translation>
    </message>
    <message>
        <source>a binary file, not text</source>
        <translation>这是二进制文件，不是文本</translation>
    </message>
    <message>
        <source>not valid UTF-8: {count} undecodable byte sequence(s) were replaced with �</source>
        <translation>不是有效的 UTF-8：{count} 处无法解码的字节序列已替换为 �</translation>
    </message>
    <message>
        <source>the PDF is password-protected</source>
        <translation>这个 PDF 有密码保护</translation>
    </message>
    <message>
        <source>not a readable PDF ({error})</source>
        <translation>不是可读取的 PDF（{error}）</translation>
    </message>
    <message>
        <source>the PDF has no text layer (a scan or images only); it would need OCR</source>
        <translation>这个 PDF 没有文字层（是扫描件或只有图片）；需要先做 OCR 文字识别</translation>
    </message>
    <message>
        <source>{url} takes messages, not token ids: this needs a llama-server.</source>
        <translation>{url} 接受消息而非词元 ID：这需要 llama-server。</translation>
    </message>
    <message>
        <source>This server cannot continue a reply from another token ({reason}).</source>
        <translation>此服务器无法从另一个词元继续回复（{reason}）。</translation>
    </message>
    <message>
        <source>The prompt (about {tokens} tokens) fills the server&apos;s context ({n_ctx}).</source>
        <translation>提示（约 {tokens} 个词元）占满了服务器的上下文（{n_ctx}）。</translation>
    </message>
    <message>
        <source>{url} refused the prompt: {model} there holds {n_ctx} tokens of context, and the prompt was about {tokens}. Inkling uses {n_ctx} for it from now on: send again (or Regenerate) and the oldest turns are left out to fit. Nothing written is lost.</source>
        <translation>{url} 拒绝了这条提示词：那里的 {model} 上下文只能容纳 {n_ctx} 个词元，而提示词约有 {tokens} 个。Inkling 从现在起按 {n_ctx} 计算：再次发送（或重新生成），最早的几轮会被省去以便放下。已写下的内容都没有丢失。</translation>
    </message>
    <message>
        <source>{url} ended the stream without finishing the reply; the reply so far is kept.</source>
        <translation>{url} 未完成回复就结束了流；已写出的回复会保留。</translation>
    </message>
    <message>
        <source>temperature must be between 0 and 2</source>
        <translation>温度必须在 0 到 2 之间</translation>
    </message>
    <message>
        <source>top-p must be in (0, 1]</source>
        <translation>top-p 必须在 (0, 1] 之内</translation>
    </message>
    <message>
        <source>top-k must be 0 (off) or more</source>
        <translation>top-k 必须为 0（关闭）或更大</translation>
    </message>
    <message>
        <source>min-p must be in [0, 1)</source>
        <translation>min-p 必须在 [0, 1) 之内</translation>
    </message>
    <message>
        <source>repeat penalty must be in (0, 4]</source>
        <translation>重复惩罚必须在 (0, 4] 之内</translation>
    </message>
    <message>
        <source>max tokens must be at least 1</source>
        <translation>最多生成词元数至少为 1</translation>
    </message>
    <message>
        <source>seed must be between 0 and 4294967295</source>
        <translation>随机种子必须在 0 到 4294967295 之间</translation>
    </message>
    <message>
        <source>token trace format {version} is not supported (expected {expected})</source>
        <translation>不支持第 {version} 版词元记录格式（应为第 {expected} 版）</translation>
    </message>
    <message>
        <source>token trace is damaged: {reason}</source>
        <translation>词元记录已损坏：{reason}</translation>
    </message>
    <message>
        <source>no text for token ids {ids}</source>
        <translation>这些词元 ID 没有文本：{ids}</translation>
    </message>
    <message>
        <source>a token&apos;s text is not text</source>
        <translation>某个词元的文本不是文本</translation>
    </message>
    <message>
        <source>file is not a database</source>
        <translation>文件不是数据库</translation>
    </message>
    <message>
        <source>database disk image is malformed</source>
        <translation>数据库磁盘映像已损坏</translation>
    </message>
    <message>
        <source>disk I/O error</source>
        <translation>磁盘读写错误</translation>
    </message>
    <message>
        <source>attempt to write a readonly database</source>
        <translation>试图写入只读数据库</translation>
    </message>
    <message>
        <source>unable to open database file</source>
        <translation>无法打开数据库文件</translation>
    </message>
    <message>
        <source>{path} is damaged or not an Inkling database ({reason}); move it aside (Inkling then starts a new, empty one) or put back a backup (`{command}` puts back the newest from {backups}).</source>
        <translation>{path} 已损坏或不是 Inkling 数据库（{reason}）；请把它移到别处（Inkling 随后会新建一个空数据库），或恢复备份（`{command}` 会从 {backups} 恢复最新的备份）。</translation>
    </message>
    <message>
        <source>the disk is full ({folder}); free some space and try again — nothing saved was lost.</source>
        <translation>磁盘已满（{folder}）；请腾出一些空间后重试——已保存的内容都没有丢失。</translation>
    </message>
    <message>
        <source>{path} could not be read or written ({reason}); check the disk, then try again.</source>
        <translation>无法读写 {path}（{reason}）；请检查磁盘后重试。</translation>
    </message>
    <message>
        <source>{path} cannot be written ({reason}); make it and its folder writable, or point INKLING_HOME at a writable folder.</source>
        <translation>无法写入 {path}（{reason}）；请让它及其所在文件夹可写，或把 INKLING_HOME 指向一个可写的文件夹。</translation>
    </message>
    <message>
        <source>the file is cut short</source>
        <translation>文件不完整</translation>
    </message>
    <message>
        <source>the file is cut short: {size} of {expected} bytes</source>
        <translation>文件不完整：只有 {size} 字节，应有 {expected} 字节</translation>
    </message>
    <message>
        <source>it ran for more than {seconds} s</source>
        <translation>它运行超过了 {seconds} 秒</translation>
    </message>
    <message>
        <source>it used more than {size} MB of memory</source>
        <translation>它使用了超过 {size} MB 内存</translation>
    </message>
    <message>
        <source>it would build a text of more than {count} characters</source>
        <translation>它会生成超过 {count} 个字符的文本</translation>
    </message>
    <message>
        <source>it nests values too deeply</source>
        <translation>它的值嵌套过深</translation>
    </message>
    <message>
        <source>it computes a format width at render time</source>
        <translation>它在渲染时计算格式宽度</translation>
    </message>
    <message>
        <source>it computes a number of more than {bits} bits</source>
        <translation>它会计算出超过 {bits} 位的数字</translation>
    </message>
    <message>
        <source>the model&apos;s chat template refused the conversation: {message}</source>
        <translation>模型的聊天模板拒绝了这段对话：{message}</translation>
    </message>
    <message>
        <source>the model&apos;s chat template is refused: it is {length} characters long (real ones are under {limit})</source>
        <translation>已拒绝模型的聊天模板：它长达 {length} 个字符（正常的模板不到 {limit} 个）</translation>
    </message>
    <message>
        <source>the model&apos;s chat template cannot be read: {error}</source>
        <translation>无法读取模型的聊天模板：{error}</translation>
    </message>
    <message>
        <source>the model&apos;s chat template failed: {error}</source>
        <translation>模型的聊天模板出错：{error}</translation>
    </message>
    <message>
        <source>it ran out of memory</source>
        <translation>它耗尽了内存</translation>
    </message>
    <message>
        <source>the model&apos;s chat template was stopped and is refused: {reason} (a chat template takes milliseconds); use another file of this model</source>
        <translation>模型的聊天模板已被中止并拒绝使用：{reason}（聊天模板只需几毫秒）；请改用这个模型的其他文件</translation>
    </message>
    <message>
        <source>its token lengths run past the end of its text</source>
        <translation>其中的词元长度超出了文本末尾</translation>
    </message>
    <message>
        <source>a part of it lies outside its tokens</source>
        <translation>其中有一部分超出了词元范围</translation>
    </message>
    <message>
        <source>prompt record format {version} is not supported</source>
        <translation>不支持第 {version} 版提示词记录格式</translation>
    </message>
    <message>
        <source>prompt record is damaged: {reason}</source>
        <translation>提示词记录已损坏：{reason}</translation>
    </message>
    <message>
        <source>its data is not a JSON object</source>
        <translation>它的数据不是 JSON 对象</translation>
    </message>
    <message>
        <source>Experiment {id} is damaged in the database: {reason}</source>
        <translation>数据库中的实验 {id} 已损坏：{reason}</translation>
    </message>
    <message>
        <source>{where}: missing</source>
        <translation>{where}：缺失</translation>
    </message>
    <message>
        <source>{where}: {problem}, found {value}</source>
        <translation>{where}：{problem}，实际为 {value}</translation>
    </message>
    <message>
        <source>{problem}, found {value}</source>
        <translation>{problem}，实际为 {value}</translation>
    </message>
    <message>
        <source>(and {count} more problem)</source>
        <translation>（另有 {count} 处问题）</translation>
    </message>
    <message>
        <source>(and {count} more problems)</source>
        <translation>（另有 {count} 处问题）</translation>
    </message>
    <message>
        <source>input should be a valid integer</source>
        <translation>应为整数</translation>
    </message>
    <message>
        <source>input should be a valid number</source>
        <translation>应为数字</translation>
    </message>
    <message>
        <source>input should be a valid string</source>
        <translation>应为字符串</translation>
    </message>
    <message>
        <source>input should be a valid boolean</source>
        <translation>应为布尔值</translation>
    </message>
    <message>
        <source>input should be a valid array</source>
        <translation>应为数组</translation>
    </message>
    <message>
        <source>input should be an object</source>
        <translation>应为对象</translation>
    </message>
    <message>
        <source>input should be greater than or equal to {limit}</source>
        <translation>应大于或等于 {limit}</translation>
    </message>
    <message>
        <source>input should be greater than {limit}</source>
        <translation>应大于 {limit}</translation>
    </message>
    <message>
        <source>input should be less than or equal to {limit}</source>
        <translation>应小于或等于 {limit}</translation>
    </message>
    <message>
        <source>input should be less than {limit}</source>
        <translation>应小于 {limit}</translation>
    </message>
    <message>
        <source>input should be one of {expected}</source>
        <translation>应为以下之一：{expected}</translation>
    </message>
    <message>
        <source>extra inputs are not permitted</source>
        <translation>不允许多余的字段</translation>
    </message>
    <message>
        <source>does not fit a 32-bit float</source>
        <translation>超出 32 位浮点数的范围</translation>
    </message>
    <message>
        <source>is not valid JSON ({detail})</source>
        <translation>不是有效的 JSON（{detail}）</translation>
    </message>
    <message>
        <source>is not an Inkling conversation export</source>
        <translation>不是 Inkling 导出的对话</translation>
    </message>
    <message>
        <source>is damaged: {problem}</source>
        <translation>已损坏：{problem}</translation>
    </message>
    <message>
        <source>has export format version {version}; this Inkling reads version {readable}</source>
        <translation>的导出格式是第 {version} 版；这个版本的 Inkling 读取第 {readable} 版</translation>
    </message>
    <message>
        <source>is damaged: {where} names message {target}, which does not come before it</source>
        <translation>已损坏：{where} 指向的消息 {target} 不在它之前</translation>
    </message>
    <message>
        <source>is damaged: {where} {id} is used twice</source>
        <translation>已损坏：{where} {id} 被使用了两次</translation>
    </message>
    <message>
        <source>is damaged: its leaf names message {target}, which it does not hold</source>
        <translation>已损坏：它的末端指向消息 {target}，但文件里没有这条消息</translation>
    </message>
    <message>
        <source>is damaged: {where}: {problem}</source>
        <translation>已损坏：{where}：{problem}</translation>
    </message>
    <message>
        <source>is damaged: {where} names message {target}, which it does not hold</source>
        <translation>已损坏：{where} 指向消息 {target}，但文件里没有这条消息</translation>
    </message>
    <message>
        <source>it inflates past {limit} bytes</source>
        <translation>解压后超过 {limit} 字节</translation>
    </message>
    <message>
        <source>it is cut short</source>
        <translation>它不完整</translation>
    </message>
    <message>
        <source>its compressed bytes are damaged</source>
        <translation>它的压缩数据已损坏</translation>
    </message>
    <message>
        <source>it is shorter than its own sizes say</source>
        <translation>它比自身记录的大小要短</translation>
    </message>
    <message>
        <source>it is not valid JSON (at character {position})</source>
        <translation>它不是有效的 JSON（在第 {position} 个字符处）</translation>
    </message>
    <message>
        <source>a part of it is missing or of the wrong kind</source>
        <translation>它有一部分缺失或类型不对</translation>
    </message>
    <message>
        <source>the sources of message {id} are damaged ({reason})</source>
        <translation>消息 {id} 的来源已损坏（{reason}）</translation>
    </message>
    <message>
        <source>its length is not a whole number of token ids</source>
        <translation>它的长度不是词元 ID 的整数倍</translation>
    </message>
    <message>
        <source>the prompt tokens of message {id} are damaged ({reason})</source>
        <translation>消息 {id} 的提示词词元已损坏（{reason}）</translation>
    </message>
    <message>
        <source>the disk is full; what was written so far is kept up to the last save</source>
        <translation>磁盘已满；已写出的内容保留到上次保存为止</translation>
    </message>
    <message>
        <source>the reply could not be saved ({error}); what was written so far is kept up to the last save</source>
        <translation>回复无法保存（{error}）；已写出的内容保留到上次保存为止</translation>
    </message>
    <message>
        <source>Sample between 1 and {most} times.</source>
        <translation>采样次数须在 1 到 {most} 之间。</translation>
    </message>
</context>
</TS>
