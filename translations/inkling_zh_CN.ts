<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <source>Context budget</source>
        <translation>上下文预算</translation>
    </message>
    <message>
        <source>Context budget: waiting for the model…</source>
        <translation>上下文预算：等待模型…</translation>
    </message>
    <message>
        <source>Reply room {room} / {size}</source>
        <translation>回复空间 {room} / {size}</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Show earlier messages</source>
        <translation>显示更早的消息</translation>
    </message>
</context>
<context>
    <name>CompareTab</name>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
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
    <name>ConversationList</name>
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
        <source>Wait for the reply being written to finish (or stop it) first.</source>
        <translation>请先等待正在生成的回复结束（或停止它）。</translation>
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
        <source>Cannot undo</source>
        <translation>无法撤销</translation>
    </message>
    <message>
        <source>Cannot duplicate</source>
        <translation>无法复制</translation>
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
        <source>Your notes could not be searched: {message}</source>
        <translation>无法搜索你的笔记：{message}</translation>
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
        <source>No model</source>
        <translation>未加载模型</translation>
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
        <source>&amp;Bundled models</source>
        <translation>随附的模型(&amp;B)</translation>
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
        <source>Lab</source>
        <translation>实验</translation>
    </message>
    <message>
        <source>The new language is used when Inkling starts again.</source>
        <translation>新的界面语言将在 Inkling 下次启动时生效。</translation>
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
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
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
        <source>Connecting to {name}…</source>
        <translation>正在连接 {name}…</translation>
    </message>
    <message>
        <source>New notebook</source>
        <translation>新建笔记本</translation>
    </message>
    <message>
        <source>No model: open one with File → Open model…</source>
        <translation>未加载模型：请用 文件 → 打开模型… 打开一个</translation>
    </message>
    <message>
        <source>Cannot open model</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <source>Wait for the text being written to finish (or stop it) first.</source>
        <translation>请先等待正在生成的文本结束（或停止它）。</translation>
    </message>
    <message>
        <source>A chat model answers the document as a message; a base model continues it (Model → Bundled models).</source>
        <translation>聊天模型会把文档当作一条消息来回答；基础模型会接着写下去（模型 → 随附的模型）。</translation>
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
        <source>Cannot import</source>
        <translation>无法导入</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n conversation(s) from {name}.</source>
        <translation>
            <numerusform>已从 {name} 导入 %n 个对话。</numerusform>
        </translation>
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
    <message>
        <source>Restore from backup</source>
        <translation>从备份恢复</translation>
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
        <source>not sent to the model</source>
        <translation>未发送给模型</translation>
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
        <source>No model found.</source>
        <translation>没有找到模型。</translation>
    </message>
</context>
<context>
    <name>NotebookView</name>
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
</context>
<context>
    <name>NotesController</name>
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
        <source>Checking imported folders for changes</source>
        <translation>正在检查导入的文件夹有无变化</translation>
    </message>
    <message>
        <source>Indexing {what}: {percent}%</source>
        <translation>正在索引 {what}：{percent}%</translation>
    </message>
    <message>
        <source>A note needs some text.</source>
        <translation>笔记需要有一些文字。</translation>
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
        <source>That note no longer exists.</source>
        <translation>这条笔记已经不存在了。</translation>
    </message>
    <message>
        <source>Sources: damaged, they could not be read.</source>
        <translation>来源：已损坏，无法读取。</translation>
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
        <source>entropy ≥ {bits} bits ≈ (from the top {count})</source>
        <translation>熵 ≥ {bits} 比特 ≈（由前 {count} 个候选估计）</translation>
    </message>
    <message>
        <source>entropy {bits} bits</source>
        <translation>熵 {bits} 比特</translation>
    </message>
</context>
<context>
    <name>PromptInspector</name>
    <message>
        <source>Show tokens</source>
        <translation>显示词元</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <source>Inkling cannot open its database</source>
        <translation>Inkling 无法打开它的数据库</translation>
    </message>
</context>
<context>
    <name>ReplyController</name>
    <message>
        <source>The reply could not be saved: {error}</source>
        <translation>回复无法保存：{error}</translation>
    </message>
    <message>
        <source>The reply failed: {error}</source>
        <translation>回复失败：{error}</translation>
    </message>
</context>
<context>
    <name>ReplySummaryView</name>
    <message>
        <source>Confidence: mean log-prob {mean} · perplexity {perplexity} · {count} tokens</source>
        <translation>置信度：平均对数概率 {mean} · 困惑度 {perplexity} · {count} 个词元</translation>
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
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>随机</translation>
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
        <source>Source {n}</source>
        <translation>来源 {n}</translation>
    </message>
</context>
<context>
    <name>SystemPromptPanel</name>
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
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
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
</context>
<context>
    <name>WelcomeView</name>
    <message>
        <source>&lt;h2&gt;Welcome to Inkling&lt;/h2&gt;</source>
        <translation>&lt;h2&gt;欢迎使用 Inkling&lt;/h2&gt;</translation>
    </message>
</context>
</TS>
