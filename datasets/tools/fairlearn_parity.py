"""The fairlearn reference of src/remedies/penalty.rs's test the_penalty_reaches_parity_at_fairlearns_cost.

The same 4,000 rows as the test's parity_rows (x1 lower by 0.6 in the group, a third of the
rows; x2 independent; today's decision when a fixed uniform falls below the logistic of
-0.3 + 1.5 x1 + 2 x2; rows i mod 10 < 7 train). Prints, on the hold-out rows, the selection-rate
ratio (group over the others) and the accuracy against today's decisions of scikit-learn's
logistic regression at today's selection rate and of fairlearn's ExponentiatedGradient with
DemographicParity (eps 0.01), whose randomized classifier is read as its expected values.
fairlearn 0.15.0, scikit-learn 1.x: logit ratio 0.2418 acc 0.6642; eg expected ratio 0.9433
acc 0.6464.
"""
import numpy as np
from sklearn.linear_model import LogisticRegression
from fairlearn.reductions import ExponentiatedGradient, DemographicParity
n=4000
i=np.arange(n)
g=(i%3==0).astype(float)
x1=-0.6*g + ((i*7919)%1000)/1000.0 - 0.5
x2=((i*104729)%997)/997.0 - 0.5
z=-0.3+1.5*x1+2.0*x2
u=((i*613)%1009)/1009.0
y=(u < 1/(1+np.exp(-z))).astype(int)
X=np.column_stack([x1,x2])
tr=(i%10)<7; ho=~tr
def report(pred, name):
    r1=pred[ho & (g==1)].mean(); r0=pred[ho & (g==0)].mean()
    acc=(pred[ho]==y[ho]).mean()
    print(name, "ratio %.4f acc %.4f rates %.4f %.4f sel %.4f"%(r1/r0, acc, r1, r0, pred[ho].mean()))
base=LogisticRegression(C=1.0, tol=1e-10, max_iter=1000).fit(X[tr],y[tr])
p=base.predict_proba(X)[:,1]
t=np.quantile(p[tr], 1-y[tr].mean())
report((p>=t).astype(int), "logit")
eg=ExponentiatedGradient(LogisticRegression(C=1.0, tol=1e-10, max_iter=1000), constraints=DemographicParity(), eps=0.01)
eg.fit(X[tr], y[tr], sensitive_features=g[tr])
pm=eg._pmf_predict(X)[:,1]
report((pm>=0.5).astype(int), "eg-pmf>=0.5")
acc_exp = (pm[ho]*y[ho] + (1-pm[ho])*(1-y[ho])).mean()
r1=pm[ho&(g==1)].mean(); r0=pm[ho&(g==0)].mean()
print("eg expected: ratio %.4f acc %.4f"%(r1/r0, acc_exp))
